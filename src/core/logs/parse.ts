// Reading one CloudWatch Logs message of a Lambda function: the platform's lines (START, END,
// REPORT, INIT_START, timeouts, crashes), the Node.js and Python runtimes' text formats, Lambda's
// JSON log format and structured lines such as Powertools'. What cannot be recognised stays a
// plain message: nothing is dropped.
import { parseReportLine, type ReportMetrics } from './platform';

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type ParsedLogKind = 'start' | 'end' | 'report' | 'initStart' | 'initReport' | 'timeout' | 'crash' | 'message';

export interface ParsedLog {
  readonly kind: ParsedLogKind;
  readonly requestId?: string;
  readonly level?: LogLevel;
  /** The text to show: without the timestamp, request id and level the runtime put in front. */
  readonly text: string;
  /** The message parsed, when it is a JSON object (shown pretty-printed on demand). */
  readonly json?: Record<string, unknown>;
  readonly report?: ReportMetrics;
  /** From START: the version that ran. */
  readonly version?: string;
}

const LEVEL_ALIASES: Record<string, LogLevel> = {
  TRACE: 'TRACE',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  LOG: 'INFO',
  WARN: 'WARN',
  WARNING: 'WARN',
  ERROR: 'ERROR',
  CRITICAL: 'FATAL',
  FATAL: 'FATAL',
};

function levelOf(value: unknown): LogLevel | undefined {
  return typeof value === 'string' ? LEVEL_ALIASES[value.toUpperCase()] : undefined;
}

/** `{ level }` when `value` names a level, else nothing: for spreading into a ParsedLog. */
function levelField(value: unknown): { level?: LogLevel } {
  const level = levelOf(value);
  return level === undefined ? {} : { level };
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ISO_TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z';
// Node.js: `2024-05-01T10:00:00.000Z\t<request id>\tINFO\tmessage`; the request id is `undefined` during init.
const NODE_LINE = new RegExp(`^(${ISO_TIME})\\t(${UUID}|undefined)\\t([A-Z]+)\\t([\\s\\S]*)$`);
// Python: `[INFO]\t2024-05-01T10:00:00.000Z\t<request id>\tmessage`.
const PYTHON_LINE = new RegExp(`^\\[([A-Z]+)\\]\\t(${ISO_TIME})\\t(${UUID}|\\S*)\\t?([\\s\\S]*)$`);
const TIMEOUT_LINE = new RegExp(`^(?:${ISO_TIME} )?(${UUID}) Task timed out after ([\\d.]+) seconds`);
const CRASH_LINE = new RegExp(`^RequestId: (${UUID}) Error: (Runtime exited[\\s\\S]*)$`);

/** Reads one log message; `message` is the CloudWatch event's text, trailing newline included or not. */
export function parseLogMessage(message: string): ParsedLog {
  const text = message.replace(/\r?\n$/, '');
  if (text.startsWith('START RequestId: ')) {
    const match = /^START RequestId: (\S+)(?: Version: (\S+))?/.exec(text);
    return { kind: 'start', text, ...(match?.[1] ? { requestId: match[1] } : {}), ...(match?.[2] ? { version: match[2] } : {}) };
  }
  if (text.startsWith('END RequestId: ')) {
    const requestId = /^END RequestId: (\S+)/.exec(text)?.[1];
    return { kind: 'end', text, ...(requestId ? { requestId } : {}) };
  }
  if (text.startsWith('REPORT RequestId: ')) {
    const report = parseReportLine(text);
    return { kind: 'report', text, ...(report === undefined ? {} : { report, requestId: report.requestId }) };
  }
  if (text.startsWith('INIT_START ')) return { kind: 'initStart', text };
  if (text.startsWith('INIT_REPORT ')) {
    return { kind: 'initReport', text, ...(/Status: (?!success)/.test(text) ? { level: 'ERROR' as const } : {}) };
  }
  const timeout = TIMEOUT_LINE.exec(text);
  if (timeout?.[1]) return { kind: 'timeout', requestId: timeout[1], level: 'ERROR', text };
  const crash = CRASH_LINE.exec(text);
  if (crash?.[1]) return { kind: 'crash', requestId: crash[1], level: 'ERROR', text: crash[2] ?? text };
  if (text.startsWith('{')) {
    const json = parseJsonObject(text);
    if (json !== undefined) return fromJson(json, text);
  }
  const node = NODE_LINE.exec(text);
  if (node) {
    // One console call is one record; the runtime turned its newlines into \r.
    const body = (node[4] ?? '').replace(/\r/g, '\n');
    return withJsonBody({
      kind: 'message',
      text: body,
      ...(node[2] && node[2] !== 'undefined' ? { requestId: node[2] } : {}),
      ...levelField(node[3]),
    });
  }
  const python = PYTHON_LINE.exec(text);
  if (python) {
    const requestId = python[3];
    return withJsonBody({
      kind: 'message',
      text: python[4] ?? '',
      ...(requestId && /^[0-9a-f-]{36}$/.test(requestId) ? { requestId } : {}),
      ...levelField(python[1]),
    });
  }
  // Python's uncaught errors: `[ERROR] Runtime.ImportModuleError: ...` and a traceback.
  const bracketed = /^\[([A-Z]+)\] ([\s\S]*)$/.exec(text);
  if (bracketed && levelOf(bracketed[1]) !== undefined) {
    return { kind: 'message', text: bracketed[2] ?? text, level: levelOf(bracketed[1]) ?? 'INFO' };
  }
  return { kind: 'message', text };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A text-format message whose body is a JSON object (a logged object, "Invoke Error" details). */
function withJsonBody(parsed: ParsedLog): ParsedLog {
  const start = parsed.text.indexOf('{');
  if (start < 0) return parsed;
  const json = parseJsonObject(parsed.text.slice(start).trim());
  return json === undefined ? parsed : { ...parsed, json };
}

function stringField(json: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = json[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Lambda's JSON format (application and platform records) and structured loggers such as Powertools. */
function fromJson(json: Record<string, unknown>, text: string): ParsedLog {
  const type = stringField(json, 'type');
  const record = (json['record'] ?? {}) as Record<string, unknown>;
  if (type?.startsWith('platform.')) {
    const requestId = stringField(record, 'requestId');
    const base = { text, json, ...(requestId === undefined ? {} : { requestId }) };
    switch (type) {
      case 'platform.start': {
        const version = stringField(record, 'version');
        return { ...base, kind: 'start', ...(version === undefined ? {} : { version }) };
      }
      case 'platform.runtimeDone':
      case 'platform.end':
        return { ...base, kind: 'end' };
      case 'platform.report': {
        const metrics = (record['metrics'] ?? {}) as Record<string, unknown>;
        const number = (name: string) => (typeof metrics[name] === 'number' ? metrics[name] : undefined);
        const status = stringField(record, 'status');
        const init = number('initDurationMs');
        const report: ReportMetrics = {
          requestId: requestId ?? '',
          durationMs: number('durationMs') ?? 0,
          billedDurationMs: number('billedDurationMs') ?? 0,
          memorySizeMB: number('memorySizeMB') ?? 0,
          maxMemoryUsedMB: number('maxMemoryUsedMB') ?? 0,
          ...(init === undefined ? {} : { initDurationMs: init }),
          ...(status === undefined || status === 'success' ? {} : { status }),
        };
        return { ...base, kind: 'report', report, ...(report.status === undefined ? {} : { level: 'ERROR' as const }) };
      }
      case 'platform.initStart':
        return { ...base, kind: 'initStart' };
      case 'platform.initReport':
        return { ...base, kind: 'initReport' };
      default:
        return { ...base, kind: 'message' };
    }
  }
  const requestId = stringField(json, 'requestId', 'function_request_id', 'request_id', 'awsRequestId');
  const message = json['message'] ?? json['msg'] ?? json['errorMessage'];
  return {
    kind: 'message',
    text: typeof message === 'string' ? message : message === undefined ? text : JSON.stringify(message),
    json,
    ...(requestId === undefined ? {} : { requestId }),
    ...levelField(json['level'] ?? json['levelname'] ?? json['severity']),
  };
}

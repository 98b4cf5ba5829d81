// The lines the Lambda platform itself writes around each invocation, formatted and parsed in one
// place so the emulator writes exactly what the log panel and the result view read.

export interface ReportMetrics {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMB: number;
  readonly maxMemoryUsedMB: number;
  /** Present only on a cold start. */
  readonly initDurationMs?: number;
  /** `timeout`, `error` and the like, when Lambda adds a status to the line. */
  readonly status?: string;
}

export function startLine(requestId: string, version = '$LATEST'): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/** Billed duration: the duration rounded up to the millisecond. */
export function billedDuration(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

export function reportLine(metrics: ReportMetrics): string {
  const fields = [
    `REPORT RequestId: ${metrics.requestId}`,
    `Duration: ${metrics.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${metrics.billedDurationMs} ms`,
    `Memory Size: ${metrics.memorySizeMB} MB`,
    `Max Memory Used: ${metrics.maxMemoryUsedMB} MB`,
  ];
  if (metrics.initDurationMs !== undefined) fields.push(`Init Duration: ${metrics.initDurationMs.toFixed(2)} ms`);
  if (metrics.status !== undefined) fields.push(`Status: ${metrics.status}`);
  // Lambda ends the REPORT line with a tab.
  return `${fields.join('\t')}\t`;
}

/** The line Lambda adds when the function timeout ends an invocation. */
export function timeoutLine(requestId: string, timeoutSeconds: number, at = new Date()): string {
  return `${at.toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/** `INIT_REPORT`, written when the init phase fails or times out. */
export function initReportLine(initDurationMs: number, phase: 'init' | 'invoke', status: string, errorType?: string): string {
  const fields = [`INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms`, `Phase: ${phase}`, `Status: ${status}`];
  if (errorType !== undefined) fields.push(`Error Type: ${errorType}`);
  return fields.join('\t');
}

const REPORT_FIELD = /([A-Za-z ]+): ([^\t]+)/g;

/** Reads a REPORT line; undefined when `line` is not one. */
export function parseReportLine(line: string): ReportMetrics | undefined {
  const match = /^REPORT RequestId: (\S+)\s/.exec(line);
  if (!match?.[1]) return undefined;
  const fields = new Map<string, string>();
  for (const [, key, value] of line.slice(match[0].length).matchAll(REPORT_FIELD)) {
    if (key !== undefined && value !== undefined) fields.set(key.trim(), value.trim());
  }
  const number = (key: string) => {
    const value = fields.get(key);
    return value === undefined ? undefined : Number.parseFloat(value);
  };
  const duration = number('Duration');
  if (duration === undefined) return undefined;
  const init = number('Init Duration');
  const status = fields.get('Status');
  return {
    requestId: match[1],
    durationMs: duration,
    billedDurationMs: number('Billed Duration') ?? billedDuration(duration),
    memorySizeMB: number('Memory Size') ?? 0,
    maxMemoryUsedMB: number('Max Memory Used') ?? 0,
    ...(init === undefined ? {} : { initDurationMs: init }),
    ...(status === undefined ? {} : { status }),
  };
}

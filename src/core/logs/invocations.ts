// Records grouped by invocation (START ... REPORT), each group summed up the way a developer
// scans it: how long, how much memory, cold or warm, failed or not.
import type { ParsedLog } from './parse';

export interface InvocationSummary {
  readonly requestId: string;
  /** Timestamp of the first record seen for it. */
  readonly firstAt: number;
  version?: string;
  durationMs?: number;
  billedDurationMs?: number;
  memorySizeMB?: number;
  maxMemoryUsedMB?: number;
  /** Present on a cold start. */
  initDurationMs?: number;
  /** A record at ERROR or FATAL, a timeout, a crash or a REPORT with a failure status. */
  failed: boolean;
  timedOut: boolean;
  /** The REPORT line arrived. */
  complete: boolean;
  records: number;
}

/** Keeps one summary per request id, updated as records arrive in any order. */
export class InvocationGroups {
  private readonly byRequest = new Map<string, InvocationSummary>();

  /** Adds a record; returns the summary it belongs to, or undefined for records outside any invocation. */
  add(parsed: ParsedLog, timestamp: number): InvocationSummary | undefined {
    const requestId = parsed.requestId;
    if (requestId === undefined || requestId === '') return undefined;
    let summary = this.byRequest.get(requestId);
    if (summary === undefined) {
      summary = { requestId, firstAt: timestamp, failed: false, timedOut: false, complete: false, records: 0 };
      this.byRequest.set(requestId, summary);
    }
    summary.records++;
    if (parsed.version !== undefined) summary.version = parsed.version;
    if (parsed.level === 'ERROR' || parsed.level === 'FATAL' || parsed.kind === 'crash') summary.failed = true;
    if (parsed.kind === 'timeout') {
      summary.failed = true;
      summary.timedOut = true;
    }
    const report = parsed.report;
    if (report !== undefined) {
      summary.complete = true;
      summary.durationMs = report.durationMs;
      summary.billedDurationMs = report.billedDurationMs;
      summary.memorySizeMB = report.memorySizeMB;
      summary.maxMemoryUsedMB = report.maxMemoryUsedMB;
      if (report.initDurationMs !== undefined) summary.initDurationMs = report.initDurationMs;
      if (report.status !== undefined) {
        summary.failed = true;
        if (report.status === 'timeout') summary.timedOut = true;
      }
    }
    return summary;
  }

  get(requestId: string): InvocationSummary | undefined {
    return this.byRequest.get(requestId);
  }

  /** Forgets an invocation whose records were all dropped. */
  delete(requestId: string): void {
    this.byRequest.delete(requestId);
  }

  get size(): number {
    return this.byRequest.size;
  }
}

/** "152 ms · 64/128 MB · cold start 210 ms · error": the chip of an invocation. */
export function describeInvocation(summary: InvocationSummary): string {
  const parts: string[] = [];
  if (summary.durationMs !== undefined) parts.push(`${Math.round(summary.durationMs * 100) / 100} ms`);
  if (summary.maxMemoryUsedMB !== undefined && summary.memorySizeMB !== undefined) {
    parts.push(`${summary.maxMemoryUsedMB}/${summary.memorySizeMB} MB`);
  }
  if (summary.initDurationMs !== undefined) parts.push(`cold start ${Math.round(summary.initDurationMs)} ms`);
  if (summary.timedOut) parts.push('timed out');
  else if (summary.failed) parts.push('error');
  if (!summary.complete) parts.push('running');
  return parts.join(' · ');
}

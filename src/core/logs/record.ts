/** One log record: a line a function or the platform wrote, as CloudWatch Logs would store it. */
export interface LogRecord {
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly functionName: string;
  /** The invocation the record belongs to; undefined during init and between invocations. */
  readonly requestId?: string;
  /** The record's text; a multi-line record (a stack trace, pretty JSON) keeps its newlines. */
  readonly message: string;
  /** `platform` for START, END, REPORT and the like; `function` for what the handler and runtime wrote. */
  readonly source: 'platform' | 'function';
}

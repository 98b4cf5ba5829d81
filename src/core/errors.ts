import { inspect } from 'node:util';

/**
 * An error written for people: its message says what failed, why, and what to do next, so the
 * editor can show it as is. Any other error is a bug and is shown as unexpected.
 */
export class WorkbenchError extends Error {
  override name = 'WorkbenchError';
}

/**
 * A WorkbenchError about a place in a file (a template's line): its message starts with
 * `file:line:`, and `file`, `line` and `reason` let a diagnostic put the reason at the place.
 */
export class LocatedError extends WorkbenchError {
  override name = 'LocatedError';

  constructor(
    readonly file: string,
    /** 1-based. */
    readonly line: number,
    /** What is wrong there and what to do, without the place. */
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

/** The message of an error and of every error in its `cause` chain, for logs. */
export function describeErrorChain(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    // A WorkbenchError already says what happened; its stack would only add noise for the reader.
    const text = !(current instanceof Error)
      ? inspect(current)
      : current instanceof WorkbenchError
        ? `${current.name}: ${current.message}`
        : (current.stack ?? `${current.name}: ${current.message}`);
    lines.push(depth === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join('\n');
}

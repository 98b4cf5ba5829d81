// What the log sources deliver: CloudWatch events, and how following a log group is going.

export interface CloudWatchLogEvent {
  readonly eventId: string;
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly logStreamName: string;
  readonly message: string;
}

export type TailStatus =
  | { readonly kind: 'streaming'; readonly via: 'poll' | 'liveTail' }
  /** The log group does not exist yet: the function was never invoked. Polling goes on. */
  | { readonly kind: 'waiting' }
  /** A failure that may pass (network, throttling); the next attempt is in `retryInMs`. */
  | { readonly kind: 'retrying'; readonly error: unknown; readonly retryInMs: number }
  /** A failure that will not pass by waiting (access denied): following stopped. */
  | { readonly kind: 'stopped'; readonly error: unknown }
  /** Live Tail could not be used (`reason`); polling takes over. */
  | { readonly kind: 'fellBack'; readonly reason: unknown };

/** Orders events as CloudWatch shows them: by timestamp, then by ingestion, then by id. */
export function compareEvents(a: CloudWatchLogEvent, b: CloudWatchLogEvent): number {
  return (
    a.timestamp - b.timestamp || a.ingestionTime - b.ingestionTime || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)
  );
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

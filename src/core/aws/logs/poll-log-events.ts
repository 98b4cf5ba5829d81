// Following a log group by polling FilterLogEvents: every stream at once, each event once, in
// timestamp order. CloudWatch may ingest an event after later ones were already returned, so each
// poll looks back a few seconds before the newest event seen and drops the ids it already gave.
// The interval starts at one second, stretches while the group is idle or AWS throttles, and
// snaps back when events arrive.
import type { CloudWatchLogsClient, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';

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
  | { readonly kind: 'stopped'; readonly error: unknown };

export interface FollowOptions {
  readonly logGroupName: string;
  /** Epoch milliseconds of the oldest event wanted (history). */
  readonly startTime: number;
  readonly signal: AbortSignal;
  readonly onEvents: (events: readonly CloudWatchLogEvent[]) => void;
  readonly onStatus: (status: TailStatus) => void;
  readonly minIntervalMs?: number;
  readonly maxIntervalMs?: number;
  /** How far before the newest event each poll looks again, for late ingestion. */
  readonly lookBackMs?: number;
}

/** Orders events as CloudWatch shows them: by timestamp, then by ingestion, then by id. */
export function compareEvents(a: CloudWatchLogEvent, b: CloudWatchLogEvent): number {
  return (
    a.timestamp - b.timestamp || a.ingestionTime - b.ingestionTime || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)
  );
}

function toEvent(event: FilteredLogEvent): CloudWatchLogEvent | undefined {
  if (event.eventId === undefined || event.timestamp === undefined) return undefined;
  return {
    eventId: event.eventId,
    timestamp: event.timestamp,
    ingestionTime: event.ingestionTime ?? event.timestamp,
    logStreamName: event.logStreamName ?? '',
    message: event.message ?? '',
  };
}

const PERMANENT = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidParameterException',
  'CredentialsProviderError',
]);
const THROTTLED = new Set(['ThrottlingException', 'LimitExceededException', 'TooManyRequestsException']);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

/** Polls until `signal` aborts or a permanent failure; resolves then. */
export async function pollLogEvents(client: CloudWatchLogsClient, options: FollowOptions): Promise<void> {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const minInterval = options.minIntervalMs ?? 1000;
  const maxInterval = options.maxIntervalMs ?? 10_000;
  const lookBack = options.lookBackMs ?? 10_000;
  const seen = new Map<string, number>(); // event id -> timestamp, pruned past the look-back window
  let newest = options.startTime;
  let interval = minInterval;
  let status: TailStatus['kind'] | undefined;
  // A function, not the property: the signal aborts between awaits, which narrowing cannot see.
  const aborted = () => options.signal.aborted;
  const report = (next: TailStatus) => {
    // Streaming is announced once; every retry is announced, with its delay.
    if (next.kind === 'streaming' && status === 'streaming') return;
    status = next.kind;
    options.onStatus(next);
  };

  while (!aborted()) {
    const from = Math.max(options.startTime, newest - lookBack);
    try {
      const fresh: CloudWatchLogEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new FilterLogEventsCommand({
            logGroupName: options.logGroupName,
            startTime: from,
            ...(nextToken === undefined ? {} : { nextToken }),
          }),
          { abortSignal: options.signal },
        );
        for (const raw of page.events ?? []) {
          const event = toEvent(raw);
          if (event === undefined || seen.has(event.eventId)) continue;
          seen.set(event.eventId, event.timestamp);
          fresh.push(event);
        }
        nextToken = page.nextToken || undefined;
      } while (nextToken !== undefined && !aborted());
      if (aborted()) break;
      report({ kind: 'streaming', via: 'poll' });
      if (fresh.length > 0) {
        fresh.sort(compareEvents);
        newest = Math.max(newest, fresh[fresh.length - 1]?.timestamp ?? newest);
        options.onEvents(fresh);
        for (const [id, timestamp] of seen) if (timestamp < newest - lookBack) seen.delete(id);
        interval = minInterval;
      } else {
        interval = Math.min(maxInterval, Math.round(interval * 1.5));
      }
    } catch (error) {
      if (aborted()) break;
      const name = error instanceof Error ? error.name : '';
      if (name === 'ResourceNotFoundException') {
        report({ kind: 'waiting' });
        interval = Math.min(maxInterval, Math.round(interval * 1.5));
      } else if (
        PERMANENT.has(name) ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403
      ) {
        report({ kind: 'stopped', error });
        return;
      } else {
        interval = Math.min(THROTTLED.has(name) ? maxInterval * 3 : maxInterval, interval * 2);
        report({ kind: 'retrying', error, retryInMs: interval });
      }
    }
    await sleep(interval, options.signal);
  }
}

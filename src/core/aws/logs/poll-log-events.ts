// Following a log group by polling FilterLogEvents: every stream at once, each event once, in
// timestamp order. CloudWatch may ingest an event after later ones were already returned, so each
// poll looks back a few seconds before the newest event seen and drops the ids it already gave.
// The interval starts at one second, stretches a little while the group is quiet (never past
// 1.25 s, so a new event shows within two seconds) and more after failures or throttling, and
// snaps back when events arrive.
import type { CloudWatchLogsClient, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { compareEvents, sleep, type CloudWatchLogEvent, type TailStatus } from './log-events';

export interface FollowOptions {
  readonly logGroupName: string;
  /** Epoch milliseconds of the oldest event wanted (history). */
  readonly startTime: number;
  readonly signal: AbortSignal;
  readonly onEvents: (events: readonly CloudWatchLogEvent[]) => void;
  readonly onStatus: (status: TailStatus) => void;
  readonly minIntervalMs?: number;
  /** The longest wait between polls of a quiet group (default 1.25 s, so a new event shows within 2 s). */
  readonly maxIntervalMs?: number;
  /** The longest wait after a failure or throttling (default 30 s). */
  readonly maxRetryMs?: number;
  /** How far before the newest event each poll looks again, for late ingestion. */
  readonly lookBackMs?: number;
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

/** Polls until `signal` aborts or a permanent failure; resolves then. */
export async function pollLogEvents(client: CloudWatchLogsClient, options: FollowOptions): Promise<void> {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const minInterval = options.minIntervalMs ?? 1000;
  const maxInterval = options.maxIntervalMs ?? 1_250;
  const maxRetry = options.maxRetryMs ?? 30_000;
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
        // Throttling asks for a longer pause than a passing network failure.
        interval = Math.min(maxRetry, THROTTLED.has(name) ? Math.max(interval * 2, 5_000) : interval * 2);
        report({ kind: 'retrying', error, retryInMs: interval });
      }
    }
    await sleep(interval, options.signal);
  }
}

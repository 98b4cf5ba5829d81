// Following a function's log group with the best source available: Live Tail when the account
// allows it (sessions restarted as they end, reconnected with backoff when the stream breaks),
// otherwise polling. `auto` tries Live Tail and falls back; the setting can force either.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { runLiveTailSession } from './live-tail';
import { compareEvents, sleep, type CloudWatchLogEvent } from './log-events';
import { pollLogEvents, type FollowOptions } from './poll-log-events';

export type LogSourceMode = 'auto' | 'liveTail' | 'poll';

export interface FollowLogGroupOptions extends FollowOptions {
  readonly mode: LogSourceMode;
  /** Needed for Live Tail; without it the group is polled. */
  readonly logGroupArn?: string;
  /** In `auto` mode, a session shorter than this counts as "not streaming" (default 5 s). */
  readonly shortestSessionMs?: number;
}

/**
 * A session that ends this soon after it started did not stream: some API stand-ins answer
 * StartLiveTail with what the group already holds and close. Polling serves those better.
 */
const SHORTEST_REAL_SESSION_MS = 5_000;
const MAX_RECONNECT_DELAY_MS = 30_000;

/** Events from `startTime` up to now, read once: Live Tail shows only what arrives after it starts. */
async function loadHistory(client: CloudWatchLogsClient, options: FollowLogGroupOptions): Promise<void> {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const events: CloudWatchLogEvent[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(
        new FilterLogEventsCommand({
          logGroupName: options.logGroupName,
          startTime: options.startTime,
          endTime: Date.now(),
          ...(nextToken === undefined ? {} : { nextToken }),
        }),
        { abortSignal: options.signal },
      );
      for (const event of page.events ?? []) {
        if (event.eventId === undefined || event.timestamp === undefined) continue;
        events.push({
          eventId: event.eventId,
          timestamp: event.timestamp,
          ingestionTime: event.ingestionTime ?? event.timestamp,
          logStreamName: event.logStreamName ?? '',
          message: event.message ?? '',
        });
      }
      nextToken = page.nextToken || undefined;
    } while (nextToken !== undefined);
  } catch (error) {
    // A group that does not exist has no history; anything else surfaces through Live Tail itself.
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException') && !options.signal.aborted) throw error;
  }
  if (events.length > 0) options.onEvents(events.sort(compareEvents));
}

/** Follows until `signal` aborts or a permanent failure; resolves then. */
export async function followLogGroup(client: CloudWatchLogsClient, options: FollowLogGroupOptions): Promise<void> {
  const aborted = () => options.signal.aborted;
  if (options.mode !== 'poll' && options.logGroupArn !== undefined) {
    let newest = options.startTime;
    // The last minute of history, to drop what a new Live Tail session repeats of it. Only
    // history counts: two identical lines within the live stream are two real lines.
    const historyTail = new Set<string>();
    const keyOf = (event: CloudWatchLogEvent) => `${event.logStreamName}\u0000${event.timestamp}\u0000${event.message}`;
    const onHistory = (events: readonly CloudWatchLogEvent[]) => {
      for (const event of events) newest = Math.max(newest, event.timestamp);
      for (const event of events) if (event.timestamp >= newest - 60_000) historyTail.add(keyOf(event));
      options.onEvents(events);
    };
    const onEvents = (events: readonly CloudWatchLogEvent[]) => {
      const fresh = historyTail.size === 0 ? events : events.filter((event) => !historyTail.has(keyOf(event)));
      for (const event of fresh) newest = Math.max(newest, event.timestamp);
      if (fresh.length > 0) options.onEvents(fresh);
    };
    let delay = 1000;
    let historyLoaded = options.startTime >= Date.now() - 1000;
    while (!aborted()) {
      try {
        if (!historyLoaded) {
          await loadHistory(client, { ...options, onEvents: onHistory });
          historyLoaded = true;
        }
        const outcome = await runLiveTailSession(client, { ...options, logGroupArn: options.logGroupArn, onEvents });
        if (outcome.kind === 'aborted') return;
        if (outcome.kind === 'unavailable') {
          if (options.mode === 'liveTail') {
            options.onStatus({ kind: 'stopped', error: outcome.error });
            return;
          }
          options.onStatus({ kind: 'fellBack', reason: outcome.error });
          break;
        }
        if (outcome.afterMs < (options.shortestSessionMs ?? SHORTEST_REAL_SESSION_MS) && options.mode === 'auto') {
          options.onStatus({
            kind: 'fellBack',
            reason: new Error(`the Live Tail session ended after ${outcome.afterMs} ms instead of streaming`),
          });
          break;
        }
        delay = 1000; // a session ran its course: start the next one at once
      } catch (error) {
        if (aborted()) return;
        // A broken stream or connection: reconnect, waiting longer each time.
        options.onStatus({ kind: 'retrying', error, retryInMs: delay });
        await sleep(delay, options.signal);
        delay = Math.min(MAX_RECONNECT_DELAY_MS, delay * 2);
      }
    }
    if (aborted()) return;
    // Polling resumes just after the newest event shown, so nothing is shown twice.
    const resumeAt = newest > options.startTime ? newest + 1 : options.startTime;
    await pollLogEvents(client, { ...options, startTime: resumeAt });
    return;
  }
  await pollLogEvents(client, options);
}

// CloudWatch Logs Live Tail: one StartLiveTail session streams a log group's new events as they
// are ingested (up to three hours per session). A session that cannot start because the API is
// missing or not allowed reports "unavailable", so the caller can poll instead.
import type { CloudWatchLogsClient, LiveTailSessionLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogEvent, TailStatus } from './log-events';

export type LiveTailOutcome =
  /** The session ended (its time ran out, or the server closed it); another can start. */
  | { readonly kind: 'ended'; readonly afterMs: number }
  /** Live Tail cannot be used here: `error` says why (not supported, not allowed, no such group). */
  | { readonly kind: 'unavailable'; readonly error: unknown }
  | { readonly kind: 'aborted' };

export interface LiveTailOptions {
  /** The log group's ARN, without the trailing `:*`: Live Tail takes ARNs only. */
  readonly logGroupArn: string;
  readonly signal: AbortSignal;
  readonly onEvents: (events: readonly CloudWatchLogEvent[]) => void;
  readonly onStatus: (status: TailStatus) => void;
}

/** Errors before the session starts that mean "use polling", not "try again". */
const UNAVAILABLE = new Set([
  'AccessDeniedException',
  'UnknownOperationException',
  'InvalidOperationException',
  'UnsupportedOperationException',
  'NotImplemented',
  'ResourceNotFoundException',
  'InvalidParameterException',
]);

export function isLiveTailUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return UNAVAILABLE.has(error.name) || status === 403 || status === 404 || status === 501;
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>`, in the partition of `region`. */
export function logGroupArn(region: string, accountId: string, logGroupName: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
}

let sequence = 0;

function toEvent(event: LiveTailSessionLogEvent): CloudWatchLogEvent {
  const timestamp = event.timestamp ?? Date.now();
  return {
    // Live Tail events carry no id; one made here keeps them distinct in the panel.
    eventId: `live-${timestamp}-${++sequence}`,
    timestamp,
    ingestionTime: event.ingestionTime ?? timestamp,
    logStreamName: event.logStreamName ?? '',
    message: event.message ?? '',
  };
}

/** Runs one Live Tail session to its end. */
export async function runLiveTailSession(client: CloudWatchLogsClient, options: LiveTailOptions): Promise<LiveTailOutcome> {
  const { StartLiveTailCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const started = Date.now();
  let response;
  try {
    response = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [options.logGroupArn] }), {
      abortSignal: options.signal,
    });
  } catch (error) {
    if (options.signal.aborted) return { kind: 'aborted' };
    if (isLiveTailUnavailable(error)) return { kind: 'unavailable', error };
    throw error;
  }
  const stream = response.responseStream;
  if (stream === undefined) return { kind: 'unavailable', error: new Error('StartLiveTail answered without an event stream.') };
  try {
    for await (const message of stream) {
      if (message.sessionStart !== undefined) options.onStatus({ kind: 'streaming', via: 'liveTail' });
      const results = message.sessionUpdate?.sessionResults;
      if (results !== undefined && results.length > 0) options.onEvents(results.map(toEvent));
      // In-stream exceptions (SessionTimeoutException, SessionStreamingException) arrive as members.
      const failure = message.SessionTimeoutException ?? message.SessionStreamingException;
      if (failure !== undefined) break;
    }
  } catch (error) {
    if (options.signal.aborted) return { kind: 'aborted' };
    // Sessions last at most three hours; the end of one is not a failure.
    if (error instanceof Error && error.name === 'SessionTimeoutException')
      return { kind: 'ended', afterMs: Date.now() - started };
    throw error;
  }
  return options.signal.aborted ? { kind: 'aborted' } : { kind: 'ended', afterMs: Date.now() - started };
}

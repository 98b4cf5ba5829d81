// One invoke model and one result model for both targets: the local emulator and a deployed
// function are both called through Lambda's Invoke API with LogType Tail, and both answers are
// read the same way, metrics from the REPORT line included.
import type { InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { parseReportLine, type ReportMetrics } from '../logs/platform';

export type InvokeTarget =
  | { readonly kind: 'local'; readonly functionName: string }
  | {
      readonly kind: 'remote';
      readonly functionName: string;
      /** A version or alias; $LATEST when absent. */
      readonly qualifier?: string;
      readonly region: string;
      readonly profile?: string;
    };

export interface FunctionErrorDetail {
  readonly type: string;
  readonly message: string;
  readonly stack: readonly string[];
}

export interface InvocationResult {
  readonly target: InvokeTarget;
  readonly requestId: string;
  readonly statusCode: number;
  readonly executedVersion?: string;
  /** The payload as text; `payloadJson` holds it parsed when it is JSON. */
  readonly payload: string;
  readonly payloadJson?: unknown;
  readonly error?: FunctionErrorDetail;
  /** From the REPORT line of the log tail; absent when the tail does not reach it. */
  readonly metrics?: ReportMetrics;
  /** The last 4 KB of the invocation's log. */
  readonly logTail: string;
  /** Wall time of the call as the caller saw it. */
  readonly roundTripMs: number;
  /** When the call was made, epoch milliseconds. */
  readonly invokedAt: number;
}

export function describeTarget(target: InvokeTarget): string {
  if (target.kind === 'local') return `${target.functionName} (local)`;
  return `${target.functionName}${target.qualifier === undefined ? '' : `:${target.qualifier}`} (${target.region})`;
}

/** Invokes through the Invoke API and reads the answer into an InvocationResult. */
export async function invokeFunction(client: LambdaClient, target: InvokeTarget, event: unknown): Promise<InvocationResult> {
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const invokedAt = Date.now();
  const started = performance.now();
  const output = await client.send(
    new InvokeCommand({
      FunctionName: target.functionName,
      ...(target.kind === 'remote' && target.qualifier !== undefined ? { Qualifier: target.qualifier } : {}),
      InvocationType: 'RequestResponse',
      LogType: 'Tail',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  return toInvocationResult(target, output, performance.now() - started, invokedAt);
}

export function toInvocationResult(
  target: InvokeTarget,
  output: Pick<InvokeCommandOutput, 'StatusCode' | 'FunctionError' | 'LogResult' | 'ExecutedVersion' | 'Payload' | '$metadata'>,
  roundTripMs: number,
  invokedAt: number,
): InvocationResult {
  const payload = output.Payload === undefined ? '' : new TextDecoder().decode(output.Payload);
  let payloadJson: unknown;
  let isJson = false;
  try {
    payloadJson = JSON.parse(payload);
    isJson = true;
  } catch {
    // A text payload: shown as it is.
  }
  const logTail = output.LogResult === undefined ? '' : Buffer.from(output.LogResult, 'base64').toString('utf8');
  const report = logTail
    .split('\n')
    .map((line) => parseReportLine(line))
    .find((metrics) => metrics !== undefined);
  const error = output.FunctionError === undefined ? undefined : functionError(output.FunctionError, payloadJson, payload);
  return {
    target,
    requestId: output.$metadata.requestId ?? report?.requestId ?? '',
    statusCode: output.StatusCode ?? 0,
    ...(output.ExecutedVersion === undefined ? {} : { executedVersion: output.ExecutedVersion }),
    payload,
    ...(isJson ? { payloadJson } : {}),
    ...(error === undefined ? {} : { error }),
    ...(report === undefined ? {} : { metrics: report }),
    logTail,
    roundTripMs,
    invokedAt,
  };
}

/**
 * The error a runtime reported: Node.js puts the stack in `trace`, Python in `stackTrace`, Go
 * has none; a payload that is not such an object is shown as the message.
 */
function functionError(kind: string, json: unknown, text: string): FunctionErrorDetail {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const body = json as Record<string, unknown>;
    const stack = Array.isArray(body['trace']) ? body['trace'] : Array.isArray(body['stackTrace']) ? body['stackTrace'] : [];
    return {
      type: typeof body['errorType'] === 'string' ? body['errorType'] : kind,
      message: typeof body['errorMessage'] === 'string' ? body['errorMessage'] : text,
      stack: stack.map((frame) => String(frame).replace(/\n$/, '')),
    };
  }
  return { type: kind, message: text, stack: [] };
}

// The emulator over HTTP on 127.0.0.1: Lambda's Invoke API, so the AWS SDK, the AWS CLI and any
// HTTP client can call local functions as they call Lambda. `GET /` answers once it is ready.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './environment';
import { MAX_SYNC_PAYLOAD_BYTES, type Emulator, type InvocationType, type LogType } from './emulator';
import { ServiceError, serviceErrors } from './lambda-errors';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const STREAMING_INVOKE_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations$/;

export interface EmulatorServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `emulator` on 127.0.0.1:`port` (0 picks a free port). */
export async function serveEmulator(emulator: Emulator, port = 0): Promise<EmulatorServer> {
  const server: Server = createServer((req, res) => {
    handle(emulator, req, res).catch((error: unknown) => {
      sendError(res, new ServiceError(500, 'ServiceException', error instanceof Error ? error.message : String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    // Answers already under way are written first; connections still open a second later are cut.
    close: () =>
      new Promise<void>((resolve) => {
        const cutOff = setTimeout(() => {
          server.closeAllConnections();
        }, 1000);
        server.close(() => {
          clearTimeout(cutOff);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

async function handle(emulator: Emulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/') {
    req.resume();
    sendJson(res, 200, { status: 'ready', functions: emulator.functionNames });
    return;
  }
  const invoke = INVOKE_PATH.exec(url.pathname);
  if (req.method === 'POST' && invoke?.[1] !== undefined) {
    await handleInvoke(emulator, req, res, decodeURIComponent(invoke[1]), url);
    return;
  }
  req.resume();
  if (STREAMING_INVOKE_PATH.test(url.pathname)) {
    sendError(res, serviceErrors.unsupported('InvokeWithResponseStream is not available in the local emulator yet; use Invoke.'));
    return;
  }
  sendError(res, new ServiceError(404, 'UnknownOperationException', `Unknown operation: ${req.method ?? ''} ${url.pathname}`));
}

async function handleInvoke(
  emulator: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  functionName: string,
  url: URL,
): Promise<void> {
  const body = await new Promise<{ payload: Buffer; tooLarge: boolean }>((resolve) => {
    readBody(req, MAX_SYNC_PAYLOAD_BYTES, (payload, tooLarge) => {
      resolve({ payload, tooLarge });
    });
  });
  if (body.tooLarge) {
    sendError(res, serviceErrors.requestTooLarge(MAX_SYNC_PAYLOAD_BYTES));
    return;
  }
  const qualifier = url.searchParams.get('Qualifier');
  const clientContext = header(req, 'x-amz-client-context');
  try {
    const result = await emulator.invoke({
      functionName,
      ...(qualifier === null ? {} : { qualifier }),
      invocationType: (header(req, 'x-amz-invocation-type') ?? 'RequestResponse') as InvocationType,
      logType: (header(req, 'x-amz-log-type') ?? 'None') as LogType,
      ...(clientContext === undefined ? {} : { clientContext }),
      payload: body.payload,
    });
    const headers: Record<string, string> = { 'x-amzn-RequestId': result.requestId };
    if (result.executedVersion !== undefined) headers['X-Amz-Executed-Version'] = result.executedVersion;
    if (result.functionError !== undefined) headers['X-Amz-Function-Error'] = result.functionError;
    if (result.logResult !== undefined) headers['X-Amz-Log-Result'] = result.logResult;
    if (result.statusCode === 200) headers['Content-Type'] = result.contentType ?? 'application/json';
    headers['Content-Length'] = String(result.payload.length);
    res.writeHead(result.statusCode, headers);
    res.end(result.payload);
  } catch (error) {
    if (error instanceof ServiceError) sendError(res, error);
    else throw error;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A service error as Lambda sends it: the code in x-amzn-ErrorType and a JSON body. */
function sendError(res: ServerResponse, error: ServiceError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = error.body();
  res.writeHead(error.statusCode, {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': error.errorType,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

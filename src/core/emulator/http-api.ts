// The emulator over HTTP on 127.0.0.1: Lambda's Invoke API, so the AWS SDK, the AWS CLI and any
// HTTP client can call local functions as they call Lambda. `GET /` answers once it is ready.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './environment';
import { MAX_SYNC_PAYLOAD_BYTES, type Emulator, type InvocationType, type LogType } from './emulator';
import { ServiceError, serviceErrors } from './lambda-errors';
import { LocalCallers } from '../local-callers';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const STREAMING_INVOKE_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations$/;

export interface EmulatorServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Headers a page of an allowed origin may read from an invocation's answer. */
const EXPOSED_HEADERS = [
  'x-amzn-RequestId',
  'X-Amz-Function-Error',
  'X-Amz-Log-Result',
  'X-Amz-Executed-Version',
  'x-amzn-ErrorType',
];

/**
 * Serves `emulator` on 127.0.0.1:`port` (0 picks a free port), to callers `callers` lets in: by
 * default only clients that address it by a loopback name and are not web pages.
 */
export async function serveEmulator(emulator: Emulator, port = 0, callers = new LocalCallers()): Promise<EmulatorServer> {
  const server: Server = createServer((req, res) => {
    handle(emulator, callers, req, res).catch((error: unknown) => {
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

async function handle(emulator: Emulator, callers: LocalCallers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const refusal = callers.check(req);
  if (refusal !== undefined) {
    req.resume();
    sendError(res, new ServiceError(refusal.status, refusal.errorType, refusal.message));
    return;
  }
  const preflight = callers.preflightHeaders(req, ['GET', 'POST']);
  if (preflight !== undefined) {
    req.resume();
    res.writeHead(204, preflight);
    res.end();
    return;
  }
  const cors = callers.corsHeaders(req, EXPOSED_HEADERS);
  for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
  const path = requestPath(req.url);
  if (path === undefined) {
    req.resume();
    sendError(res, new ServiceError(400, 'BadRequestException', `The request target "${clip(req.url ?? '')}" is not a path.`));
    return;
  }
  if (req.method === 'GET' && path.pathname === '/') {
    req.resume();
    sendJson(res, 200, { status: 'ready', functions: emulator.functionNames });
    return;
  }
  const invoke = INVOKE_PATH.exec(path.pathname);
  if (req.method === 'POST' && invoke?.[1] !== undefined) {
    const functionName = decodeSegment(invoke[1]);
    if (functionName === undefined) {
      req.resume();
      sendError(res, serviceErrors.invalidFunctionName(invoke[1]));
      return;
    }
    await handleInvoke(emulator, req, res, functionName, path);
    return;
  }
  req.resume();
  if (STREAMING_INVOKE_PATH.test(path.pathname)) {
    sendError(res, serviceErrors.unsupported('InvokeWithResponseStream is not available in the local emulator yet; use Invoke.'));
    return;
  }
  sendError(
    res,
    new ServiceError(404, 'UnknownOperationException', `Unknown operation: ${req.method ?? ''} ${clip(path.pathname)}`),
  );
}

/** The request target as a URL, or undefined when it is not an origin-form path (`//`, `*`, garbage). */
function requestPath(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    return new URL(target, 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** A caller's text as it may be quoted in a message: at most 100 characters. */
function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
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

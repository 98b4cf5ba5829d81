// One local API on its own port of 127.0.0.1, as API Gateway serves one API at its own endpoint:
// a REST API under its stage (`/Prod/...`), an HTTP API at the root for `$default` (under its
// stage otherwise), a function URL at the root. Each request is matched to a route, turned into
// the event the service sends, given to the function, and its answer mapped back; one access-log
// line tells what happened. The Host rule of every local server applies (see local-callers.ts);
// pages may call, as they call the real API, and the API's CORS settings say which may read.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalCallers } from '../local-callers';
import type { ApiAuthorizer, ApiCors } from '../model/api-settings';
import { authorize, AuthorizerResults } from './authorizers';
import { JwtAuthorizers } from './jwt';
import { httpPreflight, isPreflight, restPreflight, withHttpCors } from './cors';
import { gatewayId, httpEvent, restEvent, type ApiEndpoint } from './events';
import { headerValue, readApiRequest, type ApiRequest } from './request';
import { ANSWERS, httpResponse, restResponse, serviceAnswer, type FunctionAnswer, type GatewayResponse } from './responses';
import { RouteTable } from './routes';

/** A route of a local API: what it matches, and the function it calls. */
export interface LocalRoute {
  readonly method: string;
  readonly path: string;
  readonly functionName: string;
  readonly payloadVersion: '1.0' | '2.0';
  /** The Lambda or JWT authorizer that guards it (other kinds are not run here; see local-apis.ts). */
  readonly authorizer?: ApiAuthorizer;
  /** The scopes a JWT authorizer requires (one of them). */
  readonly authorizationScopes?: readonly string[];
  /** A REST route's own CORS (serverless.yml's `cors`), answered at its path when the API has none. */
  readonly cors?: ApiCors;
}

export interface LocalApi {
  /** The API's logical id (an API), or the function's name (a function URL). */
  readonly id: string;
  /** `url`: a function URL, which calls its one function with payload 2.0 whatever the path. */
  readonly kind: 'rest' | 'http' | 'url';
  readonly stageName: string;
  readonly cors?: ApiCors;
  readonly binaryMediaTypes: readonly string[];
  readonly routes: readonly LocalRoute[];
}

/** What an invocation through the API gives back. */
export interface ApiInvocation extends FunctionAnswer {
  /** The invocation's Lambda request id. */
  readonly requestId?: string;
}

export interface ApiServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly callers: LocalCallers;
  readonly accountId: string;
  /** The region in method ARNs an authorizer's policy names. */
  readonly region: string;
  /** JWT authorizers: accept tokens whose issuer's keys cannot be fetched (their claims still checked). */
  readonly acceptUnverifiedTokens?: boolean;
  /** Calls the function with the event (its JSON); rejects when the call could not be made. */
  invoke(functionName: string, event: string): Promise<ApiInvocation>;
  /** One line per request: method, path, status, milliseconds, function, request id. */
  onAccess(line: string): void;
  /** The integration's limit: REST APIs 29 s, HTTP APIs 30 s (also for function URLs here: their limit is the function's). */
  readonly timeoutMs?: number;
}

export interface ApiServer {
  /** The base URL, with the stage for a REST API or a named HTTP API stage. */
  readonly url: string;
  readonly port: number;
  /** Serves the API as it is now (its routes, stage, CORS...) on the same port, from the next request on. */
  update(api: LocalApi): void;
  close(): Promise<void>;
}

const INTEGRATION_TIMEOUT_MS = { rest: 29_000, http: 30_000, url: 900_000 } as const;

export async function startApiServer(first: LocalApi, options: ApiServerOptions): Promise<ApiServer> {
  // Replaced whole by update(): a request is answered by the API as it was when it arrived.
  let current = served(first);
  const apiId = gatewayId(first.id, 10);
  const authorizerResults = new AuthorizerResults();
  const jwtAuthorizers = new JwtAuthorizers(options.acceptUnverifiedTokens === true);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onAccess(`${req.method ?? '?'} ${req.url ?? '?'} failed in the local API: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'Internal Server Error' }));
    });
  });
  // A browser keeps connections open; closing must not wait for them.
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const refusal = options.callers.checkHost(req);
    if (refusal !== undefined) {
      res.writeHead(refusal.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: refusal.message }));
      options.onAccess(`${req.method ?? '?'} ${req.url ?? '?'} ${refusal.status} refused: ${refusal.message}`);
      return;
    }
    const { request: received, tooLarge } = await readApiRequest(req);
    const answered = await answer(received, tooLarge);
    const { functionName, requestId } = answered;
    const response = write(res, answered.response);
    options.onAccess(
      `${received.method} ${received.path}${received.rawQuery === '' ? '' : `?${received.rawQuery}`} ${response.statusCode} ` +
        `${(performance.now() - started).toFixed(0)} ms${functionName === undefined ? '' : ` ${functionName}`}` +
        `${requestId === undefined ? '' : ` ${requestId}`}${response.problem === undefined ? '' : ` (${response.problem})`}`,
    );
  }

  /** The response to a request: the service's own, or the function's as the service maps it. */
  async function answer(
    received: ApiRequest,
    tooLarge: boolean,
  ): Promise<{ response: GatewayResponse; functionName?: string; requestId?: string }> {
    const { api, table, prefix } = current;
    const answers = ANSWERS[api.kind];
    if (tooLarge) return { response: answers.tooLarge() };
    // Under the stage, as the API's endpoint has it; elsewhere there is nothing.
    const inStage = prefix === '' || received.path === prefix || received.path.startsWith(`${prefix}/`);
    if (!inStage) return { response: answers.noRoute() };
    const request: ApiRequest = { ...received, path: received.path.slice(prefix.length) || '/' };
    const preflight = preflightAnswer(api, table, request);
    if (preflight !== undefined) return { response: preflight };
    const match = api.kind === 'url' ? urlMatch(api) : table.match(request.method, request.path);
    if (match === undefined) return { response: answers.noRoute() };
    const { route } = match;
    const functionName = route.functionName;
    const endpoint: ApiEndpoint = {
      apiId,
      stage: api.stageName,
      // A function URL without IAM auth has no caller account.
      accountId: api.kind === 'url' ? 'anonymous' : options.accountId,
      domainName: headerValue(request, 'host') ?? '127.0.0.1',
      binaryMediaTypes: api.binaryMediaTypes,
    };
    const target = {
      method: route.method,
      path: api.kind === 'url' ? '$default' : route.path,
      pathParameters: match.pathParameters,
    };
    let authorizer: Record<string, unknown> | undefined;
    if (route.authorizer?.type === 'jwt' && api.kind === 'http') {
      const source = route.authorizer.identitySources?.[0] ?? 'header:Authorization';
      const identity = source.startsWith('header:') ? headerValue(request, source.slice('header:'.length)) : undefined;
      const verdict = await jwtAuthorizers.check(route.authorizer, identity, route.authorizationScopes ?? []);
      if ('refused' in verdict) return { response: verdict.refused };
      authorizer = verdict.authorizer;
    } else if (route.authorizer?.type === 'lambda' && api.kind !== 'url') {
      const verdict = await authorize(
        route.authorizer,
        {
          kind: api.kind,
          request,
          target,
          endpoint,
          region: options.region,
          routePayloadVersion: route.payloadVersion,
          invoke: (name, event) => options.invoke(name, event),
        },
        authorizerResults,
      );
      if ('refused' in verdict)
        return { response: verdict.refused, functionName: route.authorizer.functionName ?? route.authorizer.name };
      authorizer = verdict.authorizer;
    }
    const event =
      api.kind === 'rest' || route.payloadVersion === '1.0'
        ? restEvent(request, target, endpoint, api.kind === 'rest' ? undefined : '1.0', authorizer)
        : httpEvent(request, target, endpoint, authorizer);
    const limit = options.timeoutMs ?? INTEGRATION_TIMEOUT_MS[api.kind];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limit)));
    let outcome: ApiInvocation | 'timeout';
    try {
      outcome = await Promise.race([options.invoke(functionName, JSON.stringify(event)), timedOut]);
    } catch (error) {
      return { response: answers.failed(`${functionName} could not be invoked: ${(error as Error).message}`), functionName };
    } finally {
      clearTimeout(timer);
    }
    if (outcome === 'timeout') {
      const problem = `${functionName} did not answer within the integration's ${limit / 1000} s; it goes on running.`;
      return { response: answers.timedOut(problem), functionName };
    }
    const response =
      api.kind === 'rest'
        ? restResponse(outcome, headerValue(request, 'accept'), api.binaryMediaTypes)
        : httpResponse(outcome, route.payloadVersion, api.kind);
    const cors = api.kind !== 'rest' && api.cors !== undefined ? withHttpCors(api.cors, request, response.headers) : undefined;
    return {
      response: cors === undefined ? response : { ...response, headers: cors },
      functionName,
      ...(outcome.requestId === undefined ? {} : { requestId: outcome.requestId }),
    };
  }

  /** A function URL: every path and method calls its function. */
  function urlMatch(api: LocalApi) {
    const [route] = api.routes;
    return route === undefined ? undefined : { route, pathParameters: {} };
  }

  /** The service's own answer to a CORS preflight, when it gives one. */
  function preflightAnswer(api: LocalApi, table: RouteTable<LocalRoute>, request: ApiRequest): GatewayResponse | undefined {
    if (api.kind === 'rest') {
      // The OPTIONS method SAM adds to every path of an API with Cors (the Framework, to each path
      // whose event has `cors`), answered without calling a function.
      if (request.method !== 'OPTIONS') return undefined;
      const routes = table.routesAt(request.path);
      const cors = api.cors ?? routes.find((route) => route.cors !== undefined)?.cors;
      // A resource with an OPTIONS method of its own answers for itself.
      if (routes.length === 0 || cors === undefined || routes.some((route) => route.method === 'OPTIONS')) return undefined;
      return {
        statusCode: 200,
        headers: [
          ...restPreflight(cors, [...new Set(routes.map((route) => route.method))]),
          ['Content-Type', 'application/json'],
        ],
        body: Buffer.from('{}'),
      };
    }
    if (api.cors === undefined || !isPreflight(request)) return undefined;
    // A function URL answers every preflight itself, whatever the path.
    if (api.kind === 'url') return { statusCode: 204, headers: httpPreflight(api.cors, request, ['*']), body: Buffer.alloc(0) };
    // A `$default` route takes preflights when no route of the path would; otherwise the service answers.
    const methods = table.methodsAt(request.path);
    if (methods.length === 0 && api.routes.some((route) => route.path === '$default')) return undefined;
    return { statusCode: 204, headers: httpPreflight(api.cors, request, methods), body: Buffer.alloc(0) };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    get url() {
      return `http://127.0.0.1:${port}${current.prefix}`;
    },
    port,
    update(next) {
      current = served(next);
    },
    close: () => closeServer(server),
  };
}

/** An API as it is served: its routes matched by a table, under its stage's prefix. */
function served(api: LocalApi): { api: LocalApi; table: RouteTable<LocalRoute>; prefix: string } {
  return {
    api,
    table: new RouteTable(api.routes, api.kind === 'rest' ? 'rest' : 'http'),
    // A REST API's stage, a named HTTP API stage; the root otherwise.
    prefix: api.kind === 'rest' || (api.kind === 'http' && api.stageName !== '$default') ? `/${api.stageName}` : '',
  };
}

function write(res: ServerResponse, response: GatewayResponse): GatewayResponse {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    const existing = headers[name];
    headers[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  // The body's own length, as API Gateway sends it (a response without a body has none to say).
  if (response.statusCode !== 204 && response.statusCode !== 304) headers['Content-Length'] = String(response.body.length);
  try {
    res.writeHead(response.statusCode, headers);
  } catch (error) {
    // A header name or value HTTP does not allow (a line break in it): the service would refuse the response.
    const refused = serviceAnswer(
      502,
      'Internal server error',
      `The function's response has a header HTTP does not allow: ${(error as Error).message}`,
    );
    res.writeHead(refused.statusCode, { 'Content-Type': 'application/json' });
    res.end(refused.body);
    return refused;
  }
  res.end(response.body);
  return response;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

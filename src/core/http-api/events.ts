// The events API Gateway and function URLs send a function, built from a request as the services
// build them (see ../shared/API-GATEWAY-SPEC.md): REST APIs' proxy event (payload 1.0, also sent
// by HTTP API routes that ask for 1.0, with `version: "1.0"`), and payload 2.0 (HTTP APIs by
// default, and function URLs).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { headerValue, type ApiRequest } from './request';

/** Where a request was received: the API (or function URL) and its stage. */
export interface ApiEndpoint {
  /** The API's id as API Gateway would show it: 10 lower-case letters and digits. */
  readonly apiId: string;
  readonly stage: string;
  readonly accountId: string;
  /** The host the request was addressed to (its Host header), as `domainName`. */
  readonly domainName: string;
  /** REST APIs: content types sent to the function base64-encoded. */
  readonly binaryMediaTypes?: readonly string[];
}

/** The route a request reached, as the event names it. */
export interface RouteTarget {
  readonly method: string;
  /** The route's path template (`/items/{id}`) or `$default`. */
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** A stable id of the length and alphabet API Gateway uses, from a name (an API's logical id, a route). */
export function gatewayId(name: string, length: number): string {
  const digest = createHash('sha256').update(name).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...digest.subarray(0, length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** `09/Apr/2015:12:34:56 +0000`, as requestTime and time are written. */
export function gatewayTime(time: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(time.getUTCDate())}/${months[time.getUTCMonth()] ?? ''}/${time.getUTCFullYear()}:` +
    `${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())} +0000`
  );
}

/** The query's pairs, each key and value percent-decoded (`+` as a space, as forms write it). */
export function queryPairs(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      const key = equals < 0 ? part : part.slice(0, equals);
      const value = equals < 0 ? '' : part.slice(equals + 1);
      return [decodeQuery(key), decodeQuery(value)];
    });
}

function decodeQuery(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Whether a content type is one of an API's binary media types (`image/png`, `image/*`, `*\/*`). */
export function isBinaryType(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (contentType === undefined) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return binaryMediaTypes.some((pattern) => {
    const wanted = pattern.trim().toLowerCase();
    if (wanted === '*/*') return true;
    if (wanted.endsWith('/*')) return type.startsWith(wanted.slice(0, -1));
    return wanted === type;
  });
}

/**
 * Whether an HTTP API or function URL sends a body as text: `text/*`, JSON, XML and JavaScript
 * (as measured against AWS; the docs say only "binary" types are encoded). Any other body, one
 * without a Content-Type or a form's included, is sent base64-encoded.
 */
export function isTextType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') || type === 'application/json' || type === 'application/xml' || type === 'application/javascript'
  );
}

/** REST APIs' proxy event (payload 1.0); `version: "1.0"` is added for HTTP API routes that ask for it. */
export function restEvent(
  request: ApiRequest,
  route: RouteTarget,
  endpoint: ApiEndpoint,
  version?: '1.0',
  authorizer?: Record<string, unknown>,
): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of request.headers) {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of queryPairs(request.rawQuery)) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const hasParameters = Object.keys(route.pathParameters).length > 0;
  const binary = request.body.length > 0 && isBinaryType(headerValue(request, 'content-type'), endpoint.binaryMediaTypes ?? []);
  const requestId = randomUUID();
  const resourcePath = route.path === '$default' ? '$default' : route.path;
  return {
    ...(version === undefined ? {} : { version }),
    resource: resourcePath,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: hasParameters ? { ...route.pathParameters } : null,
    stageVariables: null,
    requestContext: {
      accountId: endpoint.accountId,
      apiId: endpoint.apiId,
      resourceId: gatewayId(`${endpoint.apiId} ${resourcePath}`, 6),
      stage: endpoint.stage,
      requestId,
      extendedRequestId: randomBytes(12).toString('base64'),
      requestTime: gatewayTime(request.time),
      requestTimeEpoch: request.time.getTime(),
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: request.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: headerValue(request, 'user-agent') ?? null,
        user: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      resourcePath,
      httpMethod: request.method,
      path: endpoint.stage === '$default' ? request.path : `/${endpoint.stage}${request.path}`,
      protocol: 'HTTP/1.1',
      domainName: endpoint.domainName,
      domainPrefix: endpoint.domainName.split('.')[0] ?? endpoint.domainName,
      ...(authorizer === undefined ? {} : { authorizer }),
    },
    body: request.body.length === 0 ? null : binary ? request.body.toString('base64') : request.body.toString('utf8'),
    isBase64Encoded: binary,
  };
}

/** Payload 2.0: HTTP APIs' default, and what function URLs send (with routeKey and stage `$default`). */
export function httpEvent(
  request: ApiRequest,
  route: RouteTarget,
  endpoint: ApiEndpoint,
  authorizer?: Record<string, unknown>,
): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((cookie) => cookie.trim())
          .filter((cookie) => cookie !== ''),
      );
      continue;
    }
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of queryPairs(request.rawQuery))
    query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const routeKey = route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
  const text = isTextType(headerValue(request, 'content-type'));
  const path = endpoint.stage === '$default' ? request.path : `/${endpoint.stage}${request.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: request.rawQuery,
    ...(cookies.length === 0 ? {} : { cookies }),
    headers,
    ...(Object.keys(query).length === 0 ? {} : { queryStringParameters: query }),
    ...(Object.keys(route.pathParameters).length === 0 ? {} : { pathParameters: { ...route.pathParameters } }),
    requestContext: {
      accountId: endpoint.accountId,
      apiId: endpoint.apiId,
      domainName: endpoint.domainName,
      domainPrefix: endpoint.domainName.split('.')[0] ?? endpoint.domainName,
      http: {
        method: request.method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headerValue(request, 'user-agent') ?? '',
      },
      requestId: randomBytes(12).toString('base64').replaceAll('/', '_').replaceAll('+', '-').slice(0, 16),
      routeKey,
      stage: endpoint.stage,
      time: gatewayTime(request.time),
      timeEpoch: request.time.getTime(),
      ...(authorizer === undefined ? {} : { authorizer }),
    },
    ...(request.body.length === 0 ? {} : { body: text ? request.body.toString('utf8') : request.body.toString('base64') }),
    isBase64Encoded: request.body.length > 0 && !text,
  };
}

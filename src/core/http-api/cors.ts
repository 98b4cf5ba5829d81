// Cross-origin requests as the services answer them. HTTP APIs (CorsConfiguration) and function
// URLs answer a preflight themselves, add the configured headers to every response to an allowed
// origin, and drop the CORS headers the function returns; a disallowed origin gets none. REST APIs
// (SAM's Cors) answer preflights from an OPTIONS method SAM adds to each path, with the
// configured values as they are; what the function returns is left as it is.
import type { ApiCors } from '../model/api-settings';
import { headerValue, type ApiRequest } from './request';

type Headers = [string, string][];

/** Whether the request is a CORS preflight: OPTIONS, with Origin and Access-Control-Request-Method. */
export function isPreflight(request: ApiRequest): boolean {
  return (
    request.method === 'OPTIONS' &&
    headerValue(request, 'origin') !== undefined &&
    headerValue(request, 'access-control-request-method') !== undefined
  );
}

/** The origin to allow in the answer, or undefined when the request's is not allowed. */
function allowedOrigin(cors: ApiCors, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (cors.allowOrigins.includes(origin)) return origin;
  if (!cors.allowOrigins.includes('*')) return undefined;
  // With credentials a browser refuses `*`; the origin itself is echoed then.
  return cors.allowCredentials ? origin : '*';
}

/** An HTTP API's or function URL's answer to a preflight: 204, with the CORS headers when the origin is allowed. */
export function httpPreflight(cors: ApiCors, request: ApiRequest, routeMethods: readonly string[]): Headers {
  const origin = allowedOrigin(cors, headerValue(request, 'origin'));
  if (origin === undefined) return [];
  const requestedHeaders = headerValue(request, 'access-control-request-headers');
  const methods = cors.allowMethods.length > 0 ? cors.allowMethods : routeMethods;
  const headers = cors.allowHeaders.includes('*') && requestedHeaders !== undefined ? [requestedHeaders] : cors.allowHeaders;
  return [
    ['access-control-allow-origin', origin],
    ...(methods.length === 0 ? [] : [['access-control-allow-methods', methods.join(',')] as [string, string]]),
    ...(headers.length === 0 ? [] : [['access-control-allow-headers', headers.join(',')] as [string, string]]),
    ...(cors.allowCredentials ? [['access-control-allow-credentials', 'true'] as [string, string]] : []),
    ...(cors.maxAge === undefined ? [] : [['access-control-max-age', String(cors.maxAge)] as [string, string]]),
  ];
}

/** An HTTP API's response headers: the function's without CORS headers, and the configured ones for an allowed origin. */
export function withHttpCors(cors: ApiCors, request: ApiRequest, headers: readonly (readonly [string, string])[]): Headers {
  const own = headers
    .filter(([name]) => !name.toLowerCase().startsWith('access-control-'))
    .map(([n, v]): [string, string] => [n, v]);
  const origin = allowedOrigin(cors, headerValue(request, 'origin'));
  if (origin === undefined) return own;
  return [
    ...own,
    ['access-control-allow-origin', origin],
    ...(cors.exposeHeaders.length === 0
      ? []
      : [['access-control-expose-headers', cors.exposeHeaders.join(',')] as [string, string]]),
    ...(cors.allowCredentials ? [['access-control-allow-credentials', 'true'] as [string, string]] : []),
  ];
}

/**
 * A REST API's answer to OPTIONS on a path, from the method SAM adds: the configured values as
 * they are (the origin is not compared), the path's methods when none are configured.
 */
export function restPreflight(cors: ApiCors, pathMethods: readonly string[]): Headers {
  const own = pathMethods.includes('ANY') ? ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'] : pathMethods;
  const methods = cors.allowMethods.length > 0 ? cors.allowMethods : [...new Set([...own, 'OPTIONS'])].sort();
  return [
    ['Access-Control-Allow-Origin', cors.allowOrigins.join(',')],
    ['Access-Control-Allow-Methods', methods.join(',')],
    ...(cors.allowHeaders.length === 0
      ? []
      : [['Access-Control-Allow-Headers', cors.allowHeaders.join(',')] as [string, string]]),
    ...(cors.allowCredentials ? [['Access-Control-Allow-Credentials', 'true'] as [string, string]] : []),
    ...(cors.maxAge === undefined ? [] : [['Access-Control-Max-Age', String(cors.maxAge)] as [string, string]]),
  ];
}

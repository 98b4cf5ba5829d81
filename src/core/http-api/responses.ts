// From a function's answer to the HTTP response the service sends, and the service's own answers
// (no route, a failed function, a timeout, a body too large), each with the body the service
// writes. A response the service would refuse says why in `problem`, for the access log: the
// client sees only what API Gateway shows it.
import { isBinaryType } from './events';

export interface GatewayResponse {
  readonly statusCode: number;
  /** Name and value pairs, repeated names kept (Set-Cookie). */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** Why the function's answer became the service's error, for the log; undefined when it did not. */
  readonly problem?: string;
}

/** What the function answered: its payload, and whether it failed. */
export interface FunctionAnswer {
  readonly payload: Buffer;
  readonly functionError?: string;
}

const JSON_TYPE: readonly [string, string] = ['Content-Type', 'application/json'];

/** The service's own answer: a JSON `{"message": ...}` body. */
export function serviceAnswer(statusCode: number, message: string, problem?: string): GatewayResponse {
  return {
    statusCode,
    headers: [JSON_TYPE],
    body: Buffer.from(JSON.stringify({ message })),
    ...(problem === undefined ? {} : { problem }),
  };
}

/** The services' answers for requests no function is called for, and for what goes wrong. */
export const ANSWERS = {
  rest: {
    noRoute: () => serviceAnswer(403, 'Missing Authentication Token'),
    failed: (problem: string) => serviceAnswer(502, 'Internal server error', problem),
    timedOut: (problem: string) => serviceAnswer(504, 'Endpoint request timed out', problem),
    // Plain text, as the REST API's front door writes it (no gateway response can change it).
    tooLarge: (): GatewayResponse => ({
      statusCode: 413,
      headers: [['Content-Type', 'text; charset=utf-8']],
      body: Buffer.from('HTTP content length exceeded 10485760 bytes.'),
    }),
  },
  http: {
    noRoute: () => serviceAnswer(404, 'Not Found'),
    failed: (problem: string) => serviceAnswer(500, 'Internal Server Error', problem),
    timedOut: (problem: string) => serviceAnswer(503, 'Service Unavailable', problem),
    tooLarge: () => serviceAnswer(413, 'Request Entity Too Large'),
  },
  url: {
    // A function URL reaches a function whatever the path; what fails is answered in plain text.
    noRoute: () => serviceAnswer(404, 'Not Found'),
    failed: (problem: string): GatewayResponse => ({
      statusCode: 502,
      headers: [['Content-Type', 'text/plain']],
      body: Buffer.from('Internal Server Error'),
      problem,
    }),
    timedOut: (problem: string) => serviceAnswer(503, 'Service Unavailable', problem),
    tooLarge: () => serviceAnswer(413, 'Request Entity Too Large'),
  },
} as const;

/** A failed function's error, as one line for the log. */
function errorLine(answer: FunctionAnswer): string {
  try {
    const error = JSON.parse(answer.payload.toString('utf8')) as { errorType?: unknown; errorMessage?: unknown };
    const type = typeof error.errorType === 'string' ? error.errorType : 'Error';
    return typeof error.errorMessage === 'string' ? `${type}: ${error.errorMessage}` : type;
  } catch {
    return answer.payload.toString('utf8').slice(0, 200);
  }
}

const REST_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/**
 * A REST API's response from a proxy integration: `{statusCode, headers, multiValueHeaders, body,
 * isBase64Encoded}`, anything else 502. A base64 body is sent decoded when the request's Accept
 * names one of the API's binary media types.
 */
export function restResponse(
  answer: FunctionAnswer,
  accept: string | undefined,
  binaryMediaTypes: readonly string[],
): GatewayResponse {
  if (answer.functionError !== undefined) return ANSWERS.rest.failed(`The function failed: ${errorLine(answer)}`);
  const malformed = (why: string) =>
    ANSWERS.rest.failed(
      `Malformed Lambda proxy response: ${why}. A REST API needs {statusCode, headers, multiValueHeaders, body, isBase64Encoded}, with body a string.`,
    );
  const value = parsed(answer.payload);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return malformed('the function returned no object');
  const response = value as Record<string, unknown>;
  const extra = Object.keys(response).filter((key) => !REST_KEYS.has(key));
  if (extra.length > 0) return malformed(`it has keys API Gateway does not accept (${extra.join(', ')})`);
  // No statusCode is 200, as API Gateway takes `{}`; a numeric string is taken as its number.
  const status = response['statusCode'] ?? 200;
  const statusCode =
    typeof status === 'number' ? status : typeof status === 'string' && /^\d+$/.test(status) ? Number(status) : NaN;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return malformed(`statusCode ${JSON.stringify(status)} is not an HTTP status`);
  }
  const body = response['body'];
  if (body !== undefined && body !== null && typeof body !== 'string') return malformed('body is not a string');
  // By name in any case: a name in both keeps multiValueHeaders' values.
  const headers = new Map<string, { name: string; values: string[] }>();
  for (const [name, raw] of Object.entries(asRecord(response['headers']))) {
    if (raw !== null && raw !== undefined) headers.set(name.toLowerCase(), { name, values: [scalar(raw)] });
  }
  for (const [name, raw] of Object.entries(asRecord(response['multiValueHeaders']))) {
    if (!Array.isArray(raw)) return malformed(`multiValueHeaders.${name} is not a list`);
    headers.set(name.toLowerCase(), { name, values: raw.map(scalar) });
  }
  if (!headers.has('content-type')) headers.set('content-type', { name: 'Content-Type', values: ['application/json'] });
  const text = typeof body === 'string' ? body : '';
  const decode = response['isBase64Encoded'] === true && isBinaryType(accept, binaryMediaTypes);
  return {
    statusCode,
    headers: withoutFraming([...headers.values()].flatMap(({ name, values }) => values.map((v) => [name, v] as const))),
    body: decode ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}

/**
 * An HTTP API's (and a function URL's) response from payload 2.0: an object with statusCode is
 * used as given (headers, cookies as Set-Cookie lines, body, isBase64Encoded); any other value is
 * sent as JSON with status 200. Payload 1.0 routes answer as REST APIs do, with HTTP API's errors.
 */
export function httpResponse(
  answer: FunctionAnswer,
  payloadVersion: '1.0' | '2.0',
  kind: 'http' | 'url' = 'http',
): GatewayResponse {
  const answers = ANSWERS[kind];
  if (answer.functionError !== undefined) return answers.failed(`The function failed: ${errorLine(answer)}`);
  if (payloadVersion === '1.0') {
    const response = restResponse(answer, undefined, []);
    return response.problem === undefined ? response : answers.failed(response.problem);
  }
  const value = parsed(answer.payload);
  if (value === UNPARSED) return answers.failed('The function returned a payload that is not JSON.');
  const response = asRecord(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('statusCode' in response)) {
    // Inferred: 200 with the value as a JSON body; a string is its text, unquoted (as measured against AWS).
    const body = typeof value === 'string' ? value : JSON.stringify(value);
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) };
  }
  const status = response['statusCode'];
  const statusCode = typeof status === 'string' && /^\d+$/.test(status) ? Number(status) : status;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return answers.failed(`The function's statusCode ${JSON.stringify(status)} is not an HTTP status.`);
  }
  const body = response['body'];
  const text = typeof body === 'string' ? body : body === undefined || body === null ? '' : JSON.stringify(body);
  const headers: [string, string][] = Object.entries(asRecord(response['headers']))
    .filter(([, raw]) => raw !== null && raw !== undefined)
    .map(([name, raw]) => [name, scalar(raw)]);
  const cookies = Array.isArray(response['cookies']) ? response['cookies'].map(scalar) : [];
  return {
    statusCode,
    headers: withoutFraming([...headers, ...cookies.map((cookie): [string, string] => ['set-cookie', cookie])]),
    body: response['isBase64Encoded'] === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}

/** The function's framing headers are the service's to write: its length would not match a decoded body. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection']);

function withoutFraming(headers: readonly (readonly [string, string])[]): (readonly [string, string])[] {
  return headers.filter(([name]) => !FRAMING.has(name.toLowerCase()));
}

const UNPARSED = Symbol('unparsed');

function parsed(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return UNPARSED;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function scalar(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
}

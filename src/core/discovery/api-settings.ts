// The settings of the APIs a project declares (see model/api-settings.ts), read from SAM's
// AWS::Serverless::Api and AWS::Serverless::HttpApi properties (Globals already merged in) and
// from serverless.yml's provider. SAM writes a REST API's CORS values as quoted strings, as API
// Gateway's header mappings take them (`AllowOrigin: "'*'"`); they are read here unquoted.
import type { ApiAuthorizer, ApiCors, ApiSettings } from '../model/api-settings';
import { referencedId } from './declared-triggers';

type Raw = unknown;
type Resolve = (value: Raw) => Raw;

function asRecord(value: Raw): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: Raw): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function list(value: Raw): string[] {
  return Array.isArray(value) ? value.map(text).filter((item): item is string => item !== undefined) : [];
}

/** SAM's implicit APIs' stages: `Prod` for the REST API, the HTTP API's `$default`. */
export const IMPLICIT_STAGE = { rest: 'Prod', http: '$default' } as const;

/** An AWS::Serverless::Api (`rest`) or AWS::Serverless::HttpApi (`http`), or the implicit one of that kind. */
export function samApiSettings(kind: 'rest' | 'http', properties: Record<string, unknown>, resolve: Resolve): ApiSettings {
  const name = text(resolve(properties['Name']));
  const stage = text(resolve(properties['StageName']));
  const cors = kind === 'rest' ? restCors(resolve(properties['Cors'])) : httpCors(resolve(properties['CorsConfiguration']));
  const auth = asRecord(properties['Auth']) ?? {};
  const defaultAuthorizer = text(resolve(auth['DefaultAuthorizer']));
  const authorizers = Object.entries(asRecord(auth['Authorizers']) ?? {}).map(([authorizer, definition]) =>
    samAuthorizer(kind, authorizer, asRecord(definition) ?? {}, resolve),
  );
  // AWS_IAM is an authorizer routes may name without defining it.
  const iam = kind === 'rest' ? defaultAuthorizer === 'AWS_IAM' : resolve(auth['EnableIamAuthorizer']) === true;
  return {
    ...(name === undefined ? {} : { name }),
    stageName: stage ?? IMPLICIT_STAGE[kind],
    ...(cors === undefined ? {} : { cors }),
    authorizers: iam ? [...authorizers, { name: 'AWS_IAM', type: 'iam' }] : authorizers,
    ...(defaultAuthorizer === undefined || defaultAuthorizer === 'NONE' ? {} : { defaultAuthorizer }),
    // SAM writes a slash in a media type as ~1 (image~1png), as API Gateway's patch paths do.
    binaryMediaTypes:
      kind === 'rest' ? list(resolve(properties['BinaryMediaTypes'])).map((type) => type.replaceAll('~1', '/')) : [],
  };
}

function samAuthorizer(
  kind: 'rest' | 'http',
  name: string,
  definition: Record<string, unknown>,
  resolve: Resolve,
): ApiAuthorizer {
  const functionArn = definition['FunctionArn'];
  if (functionArn !== undefined) {
    const functionName = referencedId(functionArn) ?? lastArnPart(text(resolve(functionArn)));
    const payload = text(definition['FunctionPayloadType']);
    const identity = asRecord(definition['Identity']) ?? {};
    const reauthorize = Number(resolve(identity['ReauthorizeEvery']));
    const token = kind === 'rest' && payload !== 'REQUEST';
    // A TOKEN authorizer reads one header, Authorization unless Identity.Header names another;
    // REQUEST and HTTP API authorizers read the headers and query strings Identity lists.
    const identitySources = token
      ? [`header:${text(resolve(identity['Header'])) ?? 'Authorization'}`]
      : [
          ...list(resolve(identity['Headers'])).map((header) => `header:${header}`),
          ...list(resolve(identity['QueryStrings'])).map((query) => `query:${query}`),
        ];
    const payloadVersion = text(resolve(definition['AuthorizerPayloadFormatVersion']));
    return {
      name,
      type: 'lambda',
      ...(functionName === undefined ? {} : { functionName }),
      ...(kind === 'rest' ? { payloadType: token ? ('TOKEN' as const) : ('REQUEST' as const) } : {}),
      identitySources,
      ttlSeconds: Number.isFinite(reauthorize) && identity['ReauthorizeEvery'] !== undefined ? reauthorize : 300,
      ...(kind === 'http'
        ? {
            payloadVersion: payloadVersion === '1.0' ? ('1.0' as const) : ('2.0' as const),
            simpleResponses: resolve(definition['EnableSimpleResponses']) === true,
          }
        : {}),
    };
  }
  if (definition['UserPoolArn'] !== undefined) return { name, type: 'cognito' };
  const jwt = asRecord(definition['JwtConfiguration']);
  if (jwt !== undefined) {
    const issuer = text(resolve(jwt['issuer'] ?? jwt['Issuer']));
    const source = text(resolve(definition['IdentitySource'])) ?? '$request.header.Authorization';
    const header = /^\$request\.header\.(.+)$/.exec(source)?.[1];
    return {
      name,
      type: 'jwt',
      ...(issuer === undefined ? {} : { issuer }),
      audience: list(resolve(jwt['audience'] ?? jwt['Audience'])),
      identitySources: [header === undefined ? source : `header:${header}`],
    };
  }
  return { name, type: definition['JwtConfiguration'] !== undefined || kind === 'http' ? 'jwt' : 'lambda' };
}

/** The function an ARN names (`arn:aws:lambda:...:function:name[:alias]`). */
function lastArnPart(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const match = /:function:([^:]+)/.exec(arn);
  return match?.[1] ?? arn;
}

/** `'GET,POST'` as API Gateway's mappings write it: the values, unquoted. */
function quotedList(value: Raw): string[] {
  const raw = text(value);
  if (raw === undefined) return [];
  const unquoted = raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  return unquoted
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A REST API's Cors: the allowed origin alone (`"'*'"`), or AllowOrigin, AllowMethods, AllowHeaders, MaxAge, AllowCredentials. */
function restCors(value: Raw): ApiCors | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  const record = asRecord(value);
  if (record === undefined) {
    return { allowOrigins: quotedList(value), allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false };
  }
  const maxAge = Number(quotedList(record['MaxAge'])[0] ?? Number.NaN);
  return {
    allowOrigins: quotedList(record['AllowOrigin']),
    allowMethods: quotedList(record['AllowMethods']),
    allowHeaders: quotedList(record['AllowHeaders']),
    exposeHeaders: [],
    allowCredentials: record['AllowCredentials'] === true,
    ...(Number.isFinite(maxAge) ? { maxAge } : {}),
  };
}

/** Every origin, method and header: what an HTTP API's `CorsConfiguration: true` allows. */
const OPEN_CORS: ApiCors = {
  allowOrigins: ['*'],
  allowMethods: ['*'],
  allowHeaders: ['*'],
  exposeHeaders: [],
  allowCredentials: false,
};

/** An HTTP API's CorsConfiguration (and a function URL's Cors): `true`, or AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials. */
export function httpCors(value: Raw): ApiCors | undefined {
  if (value === true) return OPEN_CORS;
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const maxAge = Number(record['MaxAge']);
  return {
    allowOrigins: list(record['AllowOrigins']),
    allowMethods: list(record['AllowMethods']).map((method) => method.toUpperCase()),
    allowHeaders: list(record['AllowHeaders']),
    exposeHeaders: list(record['ExposeHeaders']),
    allowCredentials: record['AllowCredentials'] === true,
    ...(Number.isFinite(maxAge) && record['MaxAge'] !== undefined ? { maxAge } : {}),
  };
}

/** The headers the Serverless Framework allows for `cors: true`, on an `http` event or an HTTP API. */
export const SERVERLESS_CORS_HEADERS: readonly string[] = [
  'Content-Type',
  'X-Amz-Date',
  'Authorization',
  'X-Api-Key',
  'X-Amz-Security-Token',
  'X-Amz-User-Agent',
  'X-Amzn-Trace-Id',
];

/** What the Framework's `httpApi: { cors: true }` allows: any origin, its usual headers, the routes' methods. */
const SERVERLESS_HTTP_API_CORS: ApiCors = {
  allowOrigins: ['*'],
  allowMethods: [],
  allowHeaders: SERVERLESS_CORS_HEADERS,
  exposeHeaders: [],
  allowCredentials: false,
};

/**
 * The APIs the Serverless Framework creates: the REST API of `http` events on the service's stage,
 * the HTTP API of `httpApi` events on `$default`, with provider.httpApi's cors and authorizers and
 * provider.apiGateway's binary media types.
 */
export function serverlessApiSettings(
  provider: Record<string, unknown>,
  stage: string,
): { rest: ApiSettings; http: ApiSettings } {
  const httpApi = asRecord(provider['httpApi']) ?? {};
  const apiGateway = asRecord(provider['apiGateway']) ?? {};
  const cors = httpApi['cors'] === true ? SERVERLESS_HTTP_API_CORS : serverlessCors(asRecord(httpApi['cors']));
  const authorizers = Object.entries(asRecord(httpApi['authorizers']) ?? {}).map(([name, definition]): ApiAuthorizer => {
    const record = asRecord(definition) ?? {};
    const functionName = text(record['functionName']);
    return record['type'] === 'request'
      ? { name, type: 'lambda', ...(functionName === undefined ? {} : { functionName }) }
      : { name, type: 'jwt' };
  });
  return {
    rest: { stageName: stage, authorizers: [], binaryMediaTypes: list(apiGateway['binaryMediaTypes']) },
    http: {
      stageName: '$default',
      ...(cors === undefined ? {} : { cors }),
      authorizers,
      binaryMediaTypes: [],
    },
  };
}

function serverlessCors(record: Record<string, unknown> | undefined): ApiCors | undefined {
  if (record === undefined) return undefined;
  const maxAge = Number(record['maxAge']);
  return {
    allowOrigins: list(record['allowedOrigins']),
    allowMethods: list(record['allowedMethods']).map((method) => method.toUpperCase()),
    allowHeaders: list(record['allowedHeaders']),
    exposeHeaders: list(record['exposedResponseHeaders']),
    allowCredentials: record['allowCredentials'] === true,
    ...(Number.isFinite(maxAge) && record['maxAge'] !== undefined ? { maxAge } : {}),
  };
}

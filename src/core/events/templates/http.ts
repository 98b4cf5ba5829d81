// HTTP front doors: API Gateway REST and HTTP APIs, their authorizers, Function URLs, ALB.
import type {
  ALBEvent,
  APIGatewayEventIdentity,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayTokenAuthorizerEvent,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { apiGatewayTime, base64, headersParameter, queryParameter } from '../context';
import { defineTemplate, parameter, value, type EventTemplate, type GeneratorContext } from '../template';

const SOURCE_IP = '203.0.113.24';
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

const requestParameters = [
  parameter('method', 'HTTP method', 'GET'),
  parameter('path', 'Request path', '/items/42'),
  parameter('query', 'Query string, like a=1&b=2', 'verbose=true'),
  parameter('headers', 'Extra headers, one "Name: value" per line or a JSON object', 'Accept: application/json'),
  parameter('body', 'Request body (text or JSON)', ''),
];

interface HttpRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  rawQuery: string;
  headers: Record<string, string>;
  body: string;
}

function httpRequest(template: EventTemplate, values: Readonly<Record<string, string>>, host: string): HttpRequest {
  const rawQuery = value(template, values, 'query');
  const body = value(template, values, 'body');
  const headers: Record<string, string> = {
    accept: '*/*',
    host,
    'user-agent': USER_AGENT,
    'x-forwarded-for': SOURCE_IP,
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  for (const [name, text] of Object.entries(headersParameter('headers', value(template, values, 'headers')))) {
    headers[name.toLowerCase()] = text;
  }
  if (body !== '' && headers['content-type'] === undefined) {
    headers['content-type'] = body.trim().startsWith('{') || body.trim().startsWith('[') ? 'application/json' : 'text/plain';
  }
  if (body !== '') headers['content-length'] = String(Buffer.byteLength(body));
  return {
    method: value(template, values, 'method').toUpperCase(),
    path: value(template, values, 'path'),
    query: queryParameter(rawQuery),
    rawQuery,
    headers,
    body,
  };
}

/** A path like /items/42 matched against a resource like /items/{id}. */
function pathParameters(resource: string, path: string): Record<string, string> | null {
  const names = resource.split('/');
  const parts = path.split('/');
  const result: Record<string, string> = {};
  names.forEach((name, i) => {
    const match = /^\{(\w+)\+?\}$/.exec(name);
    if (match?.[1] !== undefined) result[match[1]] = name.endsWith('+}') ? parts.slice(i).join('/') : (parts[i] ?? '');
  });
  return Object.keys(result).length > 0 ? result : null;
}

function identity(): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: SOURCE_IP,
    user: null,
    userAgent: USER_AGENT,
    userArn: null,
  };
}

function restApi(context: GeneratorContext) {
  const apiId = context.hex(5);
  return { apiId, host: `${apiId}.execute-api.${context.region}.amazonaws.com` };
}

function restProxyEvent(
  template: EventTemplate,
  values: Readonly<Record<string, string>>,
  context: GeneratorContext,
): APIGatewayProxyEvent {
  const { apiId, host } = restApi(context);
  const request = httpRequest(template, values, host);
  const resource = value(template, values, 'resource');
  const stage = value(template, values, 'stage');
  return {
    resource,
    path: request.path,
    httpMethod: request.method,
    headers: request.headers,
    multiValueHeaders: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: Object.keys(request.query).length > 0 ? request.query : null,
    multiValueQueryStringParameters:
      Object.keys(request.query).length > 0 ? Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: pathParameters(resource, request.path),
    stageVariables: null,
    requestContext: {
      accountId: context.accountId,
      apiId,
      authorizer: undefined,
      domainName: host,
      domainPrefix: apiId,
      extendedRequestId: `${context.hex(6)}=`,
      httpMethod: request.method,
      identity: identity(),
      path: `/${stage}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: context.uuid(),
      requestTime: apiGatewayTime(context.now),
      requestTimeEpoch: context.now.getTime(),
      resourceId: context.hex(3),
      resourcePath: resource,
      stage,
    },
    body: request.body === '' ? null : request.body,
    isBase64Encoded: false,
  };
}

const restParameters = [
  ...requestParameters,
  parameter('resource', 'The API resource the path matched', '/items/{id}'),
  parameter('stage', 'Stage name', 'prod'),
];

export const apiGatewayRestGet = defineTemplate<APIGatewayProxyEvent>({
  id: 'apigateway-rest-get',
  service: 'API Gateway REST API',
  title: 'GET request (Lambda proxy integration)',
  parameters: restParameters,
  generate(values, context) {
    return restProxyEvent(this, values, context);
  },
});

export const apiGatewayRestPost = defineTemplate<APIGatewayProxyEvent>({
  id: 'apigateway-rest-post',
  service: 'API Gateway REST API',
  title: 'POST request with a JSON body (Lambda proxy integration)',
  parameters: restParameters.map((p) =>
    p.name === 'method'
      ? { ...p, default: 'POST' }
      : p.name === 'path'
        ? { ...p, default: '/items' }
        : p.name === 'resource'
          ? { ...p, default: '/items' }
          : p.name === 'query'
            ? { ...p, default: '' }
            : p.name === 'body'
              ? { ...p, default: '{"name":"Widget","price":9.99}' }
              : p,
  ),
  generate(values, context) {
    return restProxyEvent(this, values, context);
  },
});

function httpApiEvent(
  template: EventTemplate,
  values: Readonly<Record<string, string>>,
  context: GeneratorContext,
): APIGatewayProxyEventV2 {
  const apiId = context.hex(5);
  const host = `${apiId}.execute-api.${context.region}.amazonaws.com`;
  const request = httpRequest(template, values, host);
  const route = value(template, values, 'route');
  // The catch-all route's key is `$default` alone, whatever the method.
  const routeKey = route === '$default' ? '$default' : `${request.method} ${route}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQuery,
    cookies: [],
    headers: request.headers,
    ...(Object.keys(request.query).length > 0 ? { queryStringParameters: request.query } : {}),
    ...(pathParameters(route, request.path) === null ? {} : { pathParameters: pathParameters(route, request.path) ?? {} }),
    requestContext: {
      accountId: context.accountId,
      apiId,
      domainName: host,
      domainPrefix: apiId,
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: SOURCE_IP, userAgent: USER_AGENT },
      requestId: `${context.hex(5)}=`,
      routeKey,
      stage: '$default',
      time: apiGatewayTime(context.now),
      timeEpoch: context.now.getTime(),
    },
    ...(request.body === '' ? {} : { body: request.body }),
    isBase64Encoded: false,
  };
}

const httpApiParameters = [...requestParameters, parameter('route', 'The route the path matched', '/items/{id}')];

export const apiGatewayHttpGet = defineTemplate<APIGatewayProxyEventV2>({
  id: 'apigateway-http-get',
  service: 'API Gateway HTTP API',
  title: 'GET request (payload format 2.0)',
  parameters: httpApiParameters,
  generate(values, context) {
    return httpApiEvent(this, values, context);
  },
});

export const apiGatewayHttpPost = defineTemplate<APIGatewayProxyEventV2>({
  id: 'apigateway-http-post',
  service: 'API Gateway HTTP API',
  title: 'POST request with a JSON body (payload format 2.0)',
  parameters: httpApiParameters.map((p) =>
    p.name === 'method'
      ? { ...p, default: 'POST' }
      : p.name === 'path' || p.name === 'route'
        ? { ...p, default: '/items' }
        : p.name === 'query'
          ? { ...p, default: '' }
          : p.name === 'body'
            ? { ...p, default: '{"name":"Widget","price":9.99}' }
            : p,
  ),
  generate(values, context) {
    return httpApiEvent(this, values, context);
  },
});

export const apiGatewayTokenAuthorizer = defineTemplate<APIGatewayTokenAuthorizerEvent>({
  id: 'apigateway-authorizer-token',
  service: 'API Gateway authorizer',
  title: 'TOKEN authorizer',
  parameters: [
    parameter('token', 'The Authorization header value', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJl'),
    parameter('method', 'HTTP method of the call being authorized', 'GET'),
    parameter('resource', 'Resource path of the call being authorized', '/items/{id}'),
  ],
  generate(values, context) {
    const apiId = context.hex(5);
    return {
      type: 'TOKEN',
      authorizationToken: value(this, values, 'token'),
      methodArn: `arn:aws:execute-api:${context.region}:${context.accountId}:${apiId}/prod/${value(this, values, 'method').toUpperCase()}${value(this, values, 'resource')}`,
    };
  },
});

export const apiGatewayRequestAuthorizer = defineTemplate<APIGatewayRequestAuthorizerEvent>({
  id: 'apigateway-authorizer-request',
  service: 'API Gateway authorizer',
  title: 'REQUEST authorizer (REST API)',
  parameters: [
    parameter('method', 'HTTP method', 'GET'),
    parameter('path', 'Request path', '/items/42'),
    parameter('headers', 'Headers, one "Name: value" per line or a JSON object', 'Authorization: Bearer abc123'),
    parameter('query', 'Query string', ''),
  ],
  generate(values, context) {
    const { apiId, host } = restApi(context);
    const method = value(this, values, 'method').toUpperCase();
    const path = value(this, values, 'path');
    const headers = { host, ...headersParameter('headers', value(this, values, 'headers')) };
    const query = queryParameter(value(this, values, 'query'));
    return {
      type: 'REQUEST',
      methodArn: `arn:aws:execute-api:${context.region}:${context.accountId}:${apiId}/prod/${method}${path}`,
      resource: '/items/{id}',
      path,
      httpMethod: method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      pathParameters: pathParameters('/items/{id}', path),
      queryStringParameters: query,
      multiValueQueryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
      stageVariables: {},
      requestContext: {
        accountId: context.accountId,
        apiId,
        authorizer: undefined,
        httpMethod: method,
        identity: identity(),
        path: `/prod${path}`,
        protocol: 'HTTP/1.1',
        requestId: context.uuid(),
        requestTimeEpoch: context.now.getTime(),
        resourceId: context.hex(3),
        resourcePath: '/items/{id}',
        stage: 'prod',
      },
    };
  },
});

export const functionUrlRequest = defineTemplate<LambdaFunctionURLEvent>({
  id: 'function-url-request',
  service: 'Lambda function URL',
  title: 'HTTPS request to a function URL',
  parameters: requestParameters,
  generate(values, context) {
    const urlId = context.hex(16);
    const host = `${urlId}.lambda-url.${context.region}.on.aws`;
    const request = httpRequest(this, values, host);
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath: request.path,
      rawQueryString: request.rawQuery,
      headers: request.headers,
      ...(Object.keys(request.query).length > 0 ? { queryStringParameters: request.query } : {}),
      requestContext: {
        accountId: 'anonymous',
        apiId: urlId,
        domainName: host,
        domainPrefix: urlId,
        http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: SOURCE_IP, userAgent: USER_AGENT },
        requestId: context.uuid(),
        routeKey: '$default',
        stage: '$default',
        time: apiGatewayTime(context.now),
        timeEpoch: context.now.getTime(),
      },
      ...(request.body === '' ? {} : { body: base64(request.body) }),
      // Function URLs deliver text bodies base64-encoded when the content type is not text.
      isBase64Encoded: request.body !== '',
    };
  },
});

export const albRequest = defineTemplate<ALBEvent>({
  id: 'alb-request',
  service: 'Application Load Balancer',
  title: 'Request forwarded to a Lambda target group',
  parameters: requestParameters,
  generate(values, context) {
    const host = `my-alb-${context.hex(4)}.${context.region}.elb.amazonaws.com`;
    const request = httpRequest(this, values, host);
    return {
      requestContext: {
        elb: {
          targetGroupArn: `arn:aws:elasticloadbalancing:${context.region}:${context.accountId}:targetgroup/lambda-targets/${context.hex(8)}`,
        },
      },
      httpMethod: request.method,
      path: request.path,
      queryStringParameters: request.query,
      headers: {
        ...request.headers,
        'x-amzn-trace-id': `Root=1-${Math.floor(context.now.getTime() / 1000).toString(16)}-${context.hex(12)}`,
      },
      body: request.body,
      isBase64Encoded: false,
    };
  },
});

export const httpTemplates = [
  apiGatewayRestGet,
  apiGatewayRestPost,
  apiGatewayHttpGet,
  apiGatewayHttpPost,
  apiGatewayTokenAuthorizer,
  apiGatewayRequestAuthorizer,
  functionUrlRequest,
  albRequest,
];

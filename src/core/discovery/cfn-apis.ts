// API Gateway APIs written as CloudFormation resources, as AWS CDK and hand-written templates declare
// them: a REST API as `AWS::ApiGateway::RestApi` with its tree of `Resource`s (each a PathPart under
// a ParentId) and `Method`s whose Lambda proxy integration (`AWS_PROXY`) names a function in its Uri;
// an HTTP API as `AWS::ApiGatewayV2::Api` with `Route`s (RouteKey `GET /items/{id}` or `$default`)
// whose Target is an `Integration` naming a function. Each route becomes a route trigger of that
// function, and each API is declared with its stage, name, CORS and binary media types. An
// OpenAPI definition's Lambda proxy integrations (SAM's DefinitionBody) give routes the same way.
import type { ApiCors, ApiSettings } from '../model/api-settings';
import type { RouteTrigger } from '../model/trigger';
import { httpCors, IMPLICIT_STAGE } from './api-settings';

type Raw = unknown;
type Resources = Readonly<Record<string, Raw>>;

function asRecord(value: Raw): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: Raw): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);

interface Resource {
  readonly type: string;
  readonly properties: Record<string, unknown>;
}

function resourceOf(resources: Resources, id: string | undefined): Resource | undefined {
  const body = id === undefined ? undefined : asRecord(resources[id]);
  const type = body?.['Type'];
  return typeof type === 'string' ? { type, properties: asRecord(body?.['Properties']) ?? {} } : undefined;
}

/** The logical id a `!Ref X` or `!GetAtt X.Attr` names. */
function referenced(value: Raw): string | undefined {
  const record = asRecord(value);
  if (typeof record?.['Ref'] === 'string') return record['Ref'];
  const getAtt = record?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
}

/** The function a value names anywhere inside it (an integration Uri built with Join or Sub), by logical id. */
function functionIn(resources: Resources, value: Raw, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  const id = referenced(value);
  if (id !== undefined && FUNCTION_TYPES.has(resourceOf(resources, id)?.type ?? '')) return id;
  const sub = asRecord(value)?.['Fn::Sub'];
  const subText = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  for (const match of subText?.matchAll(/\$\{([A-Za-z0-9]+)(?:\.Arn)?\}/g) ?? []) {
    if (FUNCTION_TYPES.has(resourceOf(resources, match[1])?.type ?? '')) return match[1];
  }
  const children = Array.isArray(value) ? value : Object.values(asRecord(value) ?? {});
  for (const child of children) {
    const found = functionIn(resources, child, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A REST API resource's path: its PathParts up to the API's root (`GetAtt Api.RootResourceId`). */
function resourcePath(resources: Resources, resourceId: Raw, depth = 0): { api: string; path: string } | undefined {
  if (depth > 50) return undefined;
  const getAtt = asRecord(resourceId)?.['Fn::GetAtt'];
  const attribute: unknown = Array.isArray(getAtt)
    ? (getAtt as unknown[])[1]
    : typeof getAtt === 'string'
      ? getAtt.split('.')[1]
      : undefined;
  const id = referenced(resourceId);
  if (id === undefined) return undefined;
  if (attribute === 'RootResourceId') return { api: id, path: '/' };
  const resource = resourceOf(resources, id);
  if (resource?.type !== 'AWS::ApiGateway::Resource') return undefined;
  const part = text(resource.properties['PathPart']);
  const parent = resourcePath(resources, resource.properties['ParentId'], depth + 1);
  if (part === undefined || parent === undefined) return undefined;
  return { api: parent.api, path: parent.path === '/' ? `/${part}` : `${parent.path}/${part}` };
}

/**
 * The CORS a REST resource answers preflights with, from an OPTIONS method with a MOCK integration
 * beside its methods (what CDK's `defaultCorsPreflightOptions` writes): the values of its response's
 * `Access-Control-*` headers, which API Gateway writes quoted (`"'*'"`).
 */
function mockCorsAt(resources: Resources, resourceId: Raw): ApiCors | undefined {
  const same = JSON.stringify(resourceId);
  for (const id of Object.keys(resources)) {
    const resource = resourceOf(resources, id);
    if (resource?.type !== 'AWS::ApiGateway::Method' || text(resource.properties['HttpMethod'])?.toUpperCase() !== 'OPTIONS')
      continue;
    if (JSON.stringify(resource.properties['ResourceId']) !== same) continue;
    const integration = asRecord(resource.properties['Integration']);
    if (integration?.['Type'] !== 'MOCK') continue;
    const responses: unknown = integration['IntegrationResponses'];
    const first: unknown = Array.isArray(responses) ? (responses as unknown[])[0] : undefined;
    const parameters = asRecord(asRecord(first)?.['ResponseParameters']) ?? {};
    const header = (name: string) => {
      const value = text(parameters[`method.response.header.Access-Control-${name}`]);
      const unquoted =
        value !== undefined && value.length >= 2 && value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1) : value;
      return unquoted === undefined
        ? []
        : unquoted
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '');
    };
    const origins = header('Allow-Origin');
    if (origins.length === 0) continue;
    const maxAge = Number(header('Max-Age')[0]);
    return {
      allowOrigins: origins,
      allowMethods: header('Allow-Methods'),
      allowHeaders: header('Allow-Headers'),
      exposeHeaders: [],
      allowCredentials: header('Allow-Credentials')[0] === 'true',
      ...(Number.isFinite(maxAge) ? { maxAge } : {}),
    };
  }
  return undefined;
}

/** Each function's routes, as the template's REST API methods and HTTP API routes give them, by its logical id. */
export function cloudFormationRoutes(resources: Resources): Map<string, RouteTrigger[]> {
  const routes = new Map<string, RouteTrigger[]>();
  const add = (fn: string, route: RouteTrigger) => routes.set(fn, [...(routes.get(fn) ?? []), route]);
  for (const id of Object.keys(resources)) {
    const resource = resourceOf(resources, id);
    if (resource?.type === 'AWS::ApiGateway::Method') {
      const { properties } = resource;
      const integration = asRecord(properties['Integration']);
      if (integration?.['Type'] !== 'AWS_PROXY') continue;
      const fn = functionIn(resources, integration['Uri']);
      const at = resourcePath(resources, properties['ResourceId']);
      const method = text(properties['HttpMethod'])?.toUpperCase();
      if (fn === undefined || at === undefined || method === undefined) continue;
      const authorizer = referenced(properties['AuthorizerId']);
      const cors = mockCorsAt(resources, properties['ResourceId']);
      add(fn, {
        kind: 'route',
        api: 'rest',
        apiId: at.api,
        method,
        path: at.path,
        payloadVersion: '1.0',
        ...(authorizer === undefined ? {} : { authorizer }),
        ...(cors === undefined ? {} : { cors }),
      });
    } else if (resource?.type === 'AWS::ApiGatewayV2::Route') {
      const { properties } = resource;
      const routeKey = text(properties['RouteKey']);
      const target = properties['Target'];
      // `integrations/<id>`, written with Join or Sub around a Ref to the integration.
      const integrationId = referencedIn(target, 'AWS::ApiGatewayV2::Integration', resources);
      const integration = resourceOf(resources, integrationId);
      const fn = integration === undefined ? undefined : functionIn(resources, integration.properties['IntegrationUri']);
      const api = referenced(properties['ApiId']);
      if (routeKey === undefined || fn === undefined || api === undefined) continue;
      const [method = 'ANY', path = '$default'] = routeKey === '$default' ? ['ANY', '$default'] : routeKey.split(' ');
      const authorizer = referenced(properties['AuthorizerId']);
      add(fn, {
        kind: 'route',
        api: 'http',
        apiId: api,
        method: method.toUpperCase(),
        path,
        payloadVersion: text(integration?.properties['PayloadFormatVersion']) === '1.0' ? '1.0' : '2.0',
        ...(authorizer === undefined ? {} : { authorizer }),
      });
    }
  }
  return routes;
}

const OPENAPI_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method']);

/**
 * The routes an API's OpenAPI definition (SAM's DefinitionBody, or the file DefinitionUri names)
 * gives functions: each path's methods whose `x-amazon-apigateway-integration` is a Lambda proxy
 * (`aws_proxy`) naming a function of the template in its uri, by function logical id.
 */
export function openApiRoutes(
  resources: Resources,
  apiId: string,
  kind: 'rest' | 'http',
  definition: Raw,
): Map<string, RouteTrigger[]> {
  const routes = new Map<string, RouteTrigger[]>();
  for (const [path, item] of Object.entries(asRecord(asRecord(definition)?.['paths']) ?? {})) {
    for (const [method, operation] of Object.entries(asRecord(item) ?? {})) {
      if (!OPENAPI_METHODS.has(method.toLowerCase())) continue;
      const integration = asRecord(asRecord(operation)?.['x-amazon-apigateway-integration']);
      if (text(integration?.['type'])?.toLowerCase() !== 'aws_proxy') continue;
      const fn = functionIn(resources, integration?.['uri']);
      if (fn === undefined) continue;
      const version = text(integration?.['payloadFormatVersion']);
      const route: RouteTrigger = {
        kind: 'route',
        api: kind,
        apiId,
        method: method.toLowerCase() === 'x-amazon-apigateway-any-method' ? 'ANY' : method.toUpperCase(),
        path: path === '$default' ? '$default' : path,
        payloadVersion: kind === 'rest' || version === '1.0' ? '1.0' : '2.0',
      };
      routes.set(fn, [...(routes.get(fn) ?? []), route]);
    }
  }
  return routes;
}

/**
 * The Lambda proxy integrations that name no function of the template (a function of another stack,
 * an ARN typed in): their routes cannot be served here. By the logical id of the method, route or
 * API that declares each, with a sentence that says so.
 */
export function unservedIntegrations(
  resources: Resources,
  definitions: readonly { logicalId: string; definition: Raw }[],
): { logicalId: string; message: string }[] {
  const found: { logicalId: string; message: string }[] = [];
  for (const id of Object.keys(resources)) {
    const resource = resourceOf(resources, id);
    if (resource?.type === 'AWS::ApiGateway::Method') {
      const integration = asRecord(resource.properties['Integration']);
      if (integration?.['Type'] === 'AWS_PROXY' && functionIn(resources, integration['Uri']) === undefined) {
        found.push({
          logicalId: id,
          message: `${id}: its Lambda proxy integration names no function of this template, so its route is not served locally.`,
        });
      }
    } else if (
      resource?.type === 'AWS::ApiGatewayV2::Integration' &&
      text(resource.properties['IntegrationType']) === 'AWS_PROXY'
    ) {
      const uri = resource.properties['IntegrationUri'];
      // An HTTP API proxies to Lambda by a function ARN; an HTTP URL is a proxy to a service elsewhere.
      if (typeof uri === 'string' && /^https?:/.test(uri)) continue;
      if (functionIn(resources, uri) === undefined) {
        found.push({
          logicalId: id,
          message: `${id}: its integration names no function of this template, so the routes to it are not served locally.`,
        });
      }
    }
  }
  for (const { logicalId, definition } of definitions) {
    for (const [path, item] of Object.entries(asRecord(asRecord(definition)?.['paths']) ?? {})) {
      for (const [method, operation] of Object.entries(asRecord(item) ?? {})) {
        const integration = asRecord(asRecord(operation)?.['x-amazon-apigateway-integration']);
        if (!OPENAPI_METHODS.has(method.toLowerCase()) || text(integration?.['type'])?.toLowerCase() !== 'aws_proxy') continue;
        if (functionIn(resources, integration?.['uri']) === undefined) {
          found.push({
            logicalId,
            message: `${logicalId}: ${method.toUpperCase()} ${path} integrates with no function of this template, so it is not served locally.`,
          });
        }
      }
    }
  }
  return found;
}

/** The logical id of a resource of `type` that a value refers to anywhere inside it. */
function referencedIn(value: Raw, type: string, resources: Resources, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  const id = referenced(value);
  if (id !== undefined && resourceOf(resources, id)?.type === type) return id;
  const sub = asRecord(value)?.['Fn::Sub'];
  const subText = typeof sub === 'string' ? sub : undefined;
  for (const match of subText?.matchAll(/\$\{([A-Za-z0-9]+)\}/g) ?? []) {
    if (resourceOf(resources, match[1])?.type === type) return match[1];
  }
  const children = Array.isArray(value) ? value : Object.values(asRecord(value) ?? {});
  for (const child of children) {
    const found = referencedIn(child, type, resources, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The REST and HTTP APIs the template declares as CloudFormation resources, with their settings. */
export function cloudFormationApis(
  resources: Resources,
  resolve: (value: Raw) => Raw,
): { logicalId: string; kind: 'rest' | 'http'; settings: ApiSettings }[] {
  const apis: { logicalId: string; kind: 'rest' | 'http'; settings: ApiSettings }[] = [];
  const stages = Object.keys(resources)
    .map((id) => resourceOf(resources, id))
    .filter((r): r is Resource => r?.type === 'AWS::ApiGateway::Stage' || r?.type === 'AWS::ApiGatewayV2::Stage');
  for (const id of Object.keys(resources)) {
    const resource = resourceOf(resources, id);
    if (resource?.type === 'AWS::ApiGateway::RestApi') {
      const stage = stages.find((s) => s.type === 'AWS::ApiGateway::Stage' && referenced(s.properties['RestApiId']) === id);
      const name = text(resolve(resource.properties['Name']));
      const binary = resolve(resource.properties['BinaryMediaTypes']);
      apis.push({
        logicalId: id,
        kind: 'rest',
        settings: {
          ...(name === undefined ? {} : { name }),
          stageName: text(resolve(stage?.properties['StageName'])) ?? 'prod',
          authorizers: [],
          binaryMediaTypes: Array.isArray(binary) ? binary.filter((t): t is string => typeof t === 'string') : [],
        },
      });
    } else if (resource?.type === 'AWS::ApiGatewayV2::Api' && resource.properties['ProtocolType'] === 'HTTP') {
      const stage = stages.find((s) => s.type === 'AWS::ApiGatewayV2::Stage' && referenced(s.properties['ApiId']) === id);
      const name = text(resolve(resource.properties['Name']));
      const cors = httpCors(resolve(resource.properties['CorsConfiguration']));
      apis.push({
        logicalId: id,
        kind: 'http',
        settings: {
          ...(name === undefined ? {} : { name }),
          stageName: text(resolve(stage?.properties['StageName'])) ?? IMPLICIT_STAGE.http,
          ...(cors === undefined ? {} : { cors }),
          authorizers: [],
          binaryMediaTypes: [],
        },
      });
    }
  }
  return apis;
}

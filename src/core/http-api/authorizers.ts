// Lambda authorizers as API Gateway runs them, with a function of the same project as the
// authorizer: the identity sources checked first (a request without one is refused, 401, and the
// authorizer is not called), the event each kind sends, the answer evaluated (a REST API's IAM
// policy for the method ARN, an HTTP API's simple `{isAuthorized}` or policy), results reused for
// the same identity for the authorizer's TTL, and what the function then sees in
// `requestContext.authorizer`.
import type { ApiAuthorizer } from '../model/api-settings';
import { httpEvent, queryPairs, restEvent, type ApiEndpoint, type RouteTarget } from './events';
import { headerValue, type ApiRequest } from './request';
import { serviceAnswer, type FunctionAnswer, type GatewayResponse } from './responses';

/** What an authorizer decided: a refusal to send, or what the function gets as `requestContext.authorizer`. */
export type Verdict = { readonly refused: GatewayResponse } | { readonly authorizer: Record<string, unknown> };

export interface AuthorizerCall {
  readonly kind: 'rest' | 'http';
  readonly request: ApiRequest;
  readonly target: RouteTarget;
  readonly endpoint: ApiEndpoint;
  readonly region: string;
  /** The route's payload version (HTTP APIs), which says where the authorizer's context goes. */
  readonly routePayloadVersion: '1.0' | '2.0';
  invoke(functionName: string, event: string): Promise<FunctionAnswer>;
}

const UNAUTHORIZED = () => serviceAnswer(401, 'Unauthorized');
/** REST's refusals write `Message` with a capital M, as measured against AWS. */
function restDenial(explicit: boolean): GatewayResponse {
  const Message = explicit
    ? 'User is not authorized to access this resource with an explicit deny'
    : 'User is not authorized to access this resource';
  return {
    statusCode: 403,
    headers: [
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', 'AccessDeniedException'],
    ],
    body: Buffer.from(JSON.stringify({ Message })),
  };
}
/** An authorizer that failed, or answered what API Gateway cannot read. */
function configurationError(kind: 'rest' | 'http', problem: string): GatewayResponse {
  if (kind === 'http') return serviceAnswer(500, 'Internal Server Error', problem);
  return {
    statusCode: 500,
    headers: [
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', 'AuthorizerConfigurationException'],
    ],
    body: Buffer.from(JSON.stringify({ message: null })),
    problem,
  };
}

/** Results by authorizer and identity, until their TTL ends. */
export class AuthorizerResults {
  private readonly results = new Map<string, { expires: number; answer: unknown }>();

  get(key: string): unknown {
    const found = this.results.get(key);
    if (found === undefined || found.expires <= Date.now()) return undefined;
    return found.answer;
  }

  set(key: string, answer: unknown, ttlSeconds: number): void {
    if (ttlSeconds > 0) this.results.set(key, { expires: Date.now() + ttlSeconds * 1000, answer });
  }
}

/** The identity's values, one per source; undefined when one is missing or empty. */
function identityOf(authorizer: ApiAuthorizer, request: ApiRequest): string[] | undefined {
  const values: string[] = [];
  const query = queryPairs(request.rawQuery);
  for (const source of authorizer.identitySources ?? []) {
    const [where, name = ''] = source.split(/:(.*)/s);
    const value = where === 'header' ? headerValue(request, name) : query.filter(([key]) => key === name).at(-1)?.[1];
    if (value === undefined || value === '') return undefined;
    values.push(value);
  }
  return values;
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`, the resource a policy allows or denies. */
export function methodArn(call: Pick<AuthorizerCall, 'endpoint' | 'region' | 'request'>): string {
  const { endpoint, region, request } = call;
  return `arn:aws:execute-api:${region}:${endpoint.accountId}:${endpoint.apiId}/${endpoint.stage}/${request.method}/${request.path.replace(/^\//, '')}`;
}

/** Runs the route's Lambda authorizer, or takes its result from the cache. */
export async function authorize(authorizer: ApiAuthorizer, call: AuthorizerCall, results: AuthorizerResults): Promise<Verdict> {
  const identity = identityOf(authorizer, call.request);
  if (identity === undefined) return { refused: UNAUTHORIZED() };
  const functionName = authorizer.functionName;
  if (functionName === undefined)
    return { refused: configurationError(call.kind, `The authorizer ${authorizer.name} names no function.`) };
  const arn = methodArn(call);
  // The identity is the key; with no sources (an HTTP API authorizer without any) nothing is reused.
  const key = identity.length === 0 ? undefined : `${authorizer.name}\n${identity.join('\n')}`;
  let answer = key === undefined ? undefined : results.get(key);
  if (answer === undefined) {
    const outcome = await call.invoke(functionName, JSON.stringify(authorizerEvent(authorizer, call, identity, arn)));
    if (outcome.functionError !== undefined) {
      const message = asRecord(parsedJson(outcome.payload))?.['errorMessage'];
      // `throw new Error('Unauthorized')` is how an authorizer says 401.
      if (message === 'Unauthorized') return { refused: UNAUTHORIZED() };
      const said = typeof message === 'string' ? message : 'an error';
      return { refused: configurationError(call.kind, `The authorizer ${authorizer.name} (${functionName}) failed: ${said}.`) };
    }
    answer = parsedJson(outcome.payload);
    if (key !== undefined) results.set(key, answer, authorizer.ttlSeconds ?? 300);
  }
  if (call.kind === 'http' && authorizer.simpleResponses === true) {
    const simple = asRecord(answer);
    if (typeof simple?.['isAuthorized'] !== 'boolean') {
      return {
        refused: configurationError('http', `The authorizer ${authorizer.name} answered without isAuthorized (true or false).`),
      };
    }
    if (!simple['isAuthorized']) return { refused: serviceAnswer(403, 'Forbidden') };
    return { authorizer: httpContext(call, asRecord(simple['context']) ?? {}) };
  }
  const response = asRecord(answer);
  const policy = asRecord(response?.['policyDocument']);
  if (response === undefined || policy === undefined || (call.kind === 'rest' && response['principalId'] === undefined)) {
    return {
      refused: configurationError(
        call.kind,
        `The authorizer ${authorizer.name} answered without ${call.kind === 'rest' ? 'principalId and ' : ''}policyDocument.`,
      ),
    };
  }
  const decision = evaluatePolicy(policy, arn);
  if (decision !== 'allow')
    return { refused: call.kind === 'rest' ? restDenial(decision === 'deny') : serviceAnswer(403, 'Forbidden') };
  const context = asRecord(response['context']) ?? {};
  if (call.kind === 'http') return { authorizer: httpContext(call, context, response['principalId']) };
  return { authorizer: { principalId: response['principalId'], ...context, integrationLatency: 0 } };
}

/** Where an HTTP API puts the authorizer's context: under `lambda` for payload 2.0 routes. */
function httpContext(call: AuthorizerCall, context: Record<string, unknown>, principalId?: unknown): Record<string, unknown> {
  if (call.routePayloadVersion === '2.0') return { lambda: context };
  return { ...context, ...(principalId === undefined ? {} : { principalId }) };
}

function authorizerEvent(
  authorizer: ApiAuthorizer,
  call: AuthorizerCall,
  identity: readonly string[],
  arn: string,
): Record<string, unknown> {
  if (call.kind === 'rest') {
    if (authorizer.payloadType !== 'REQUEST') return { type: 'TOKEN', authorizationToken: identity[0] ?? '', methodArn: arn };
    return { type: 'REQUEST', methodArn: arn, ...withoutBody(restEvent(call.request, call.target, call.endpoint)) };
  }
  if (authorizer.payloadVersion === '1.0') {
    const request = withoutBody(restEvent(call.request, call.target, call.endpoint, '1.0'));
    return { ...request, type: 'REQUEST', methodArn: arn, identitySource: identity.join(',') };
  }
  const request = withoutBody(httpEvent(call.request, call.target, call.endpoint));
  return { ...request, type: 'REQUEST', routeArn: arn, identitySource: [...identity] };
}

/** A request event without its body: an authorizer is not sent the body. */
function withoutBody(event: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...event };
  delete copy['body'];
  delete copy['isBase64Encoded'];
  return copy;
}

/**
 * An IAM policy's decision for `execute-api:Invoke` on the method ARN: a matching Deny wins, then
 * a matching Allow; nothing matching is no.
 */
export function evaluatePolicy(policy: Record<string, unknown>, arn: string): 'allow' | 'deny' | 'none' {
  const statements = Array.isArray(policy['Statement']) ? policy['Statement'] : [policy['Statement']];
  let allowed = false;
  for (const raw of statements) {
    const statement = asRecord(raw);
    if (statement === undefined) continue;
    const actions = listOf(statement['Action']);
    const resources = listOf(statement['Resource']);
    const acts = actions.some((action) => wildcardMatch(action.toLowerCase(), 'execute-api:invoke'));
    const covers = resources.some((resource) => wildcardMatch(resource, arn));
    if (!acts || !covers) continue;
    if (statement['Effect'] === 'Deny') return 'deny';
    if (statement['Effect'] === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'none';
}

/** IAM's wildcards: `*` any run of characters, `?` any one. */
function wildcardMatch(pattern: string, value: string): boolean {
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${expression}$`, 's').test(value);
}

function listOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function parsedJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

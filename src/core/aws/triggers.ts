// A deployed function's triggers, read from Lambda: event source mappings (Lambda polls a queue or
// stream), services its resource policy lets invoke it (API Gateway, S3, SNS, EventBridge...), and
// its Function URL. Each of the three is read on its own, so one failing leaves the others.
import type { EventSourceMappingConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import { ARN_SERVICES, PRINCIPAL_SERVICES, type EventSourceTrigger, type PolicyTrigger, type UrlTrigger } from '../model/trigger';

/** The last part of an ARN's resource: the queue, table, topic or rule name. */
function resourceName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource.split('/').filter((part) => part !== '')[0] === 'table'
    ? (resource.split('/')[1] ?? resource)
    : (resource.split('/').pop() ?? resource);
}

export function toEventSourceTrigger(mapping: EventSourceMappingConfiguration): EventSourceTrigger {
  const sourceArn = mapping.EventSourceArn ?? '';
  const arnService = sourceArn.split(':')[2] ?? '';
  const selfManaged = mapping.SelfManagedEventSource?.Endpoints?.['KAFKA_BOOTSTRAP_SERVERS']?.[0];
  return {
    kind: 'eventSource',
    uuid: mapping.UUID ?? '',
    service: ARN_SERVICES[arnService] ?? (selfManaged !== undefined ? 'Kafka' : arnService || 'Event source'),
    source: sourceArn === '' ? (selfManaged ?? 'unknown source') : resourceName(sourceArn),
    sourceArn,
    state: mapping.State ?? 'Unknown',
    ...(mapping.BatchSize === undefined ? {} : { batchSize: mapping.BatchSize }),
  };
}

interface PolicyStatement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function principalOf(principal: unknown): string {
  if (typeof principal === 'string') return principal;
  if (principal !== null && typeof principal === 'object') {
    for (const value of Object.values(principal)) {
      if (typeof value === 'string') return value;
      if (Array.isArray(value) && typeof value[0] === 'string') return value.join(', ');
    }
  }
  return 'unknown principal';
}

function conditionValue(statement: PolicyStatement, key: string): string | undefined {
  for (const operator of Object.values(statement.Condition ?? {})) {
    for (const [name, value] of Object.entries(operator)) {
      if (name.toLowerCase() === key.toLowerCase() && typeof value === 'string') return value;
    }
  }
  return undefined;
}

/** What a SourceArn names, in words: "api a1b2c3 · POST /orders", "bucket photos", "rule nightly". */
function describeSource(service: string, sourceArn: string | undefined, principal: string): string {
  if (sourceArn === undefined) return principal;
  const resource = sourceArn.split(':').slice(5).join(':');
  switch (service) {
    case 'API Gateway': {
      // arn:aws:execute-api:region:account:api-id/stage/METHOD/path
      const [api, stage, method, ...path] = resource.split('/');
      const route = method === undefined ? '' : ` · ${method === '*' ? 'ANY' : method} /${path.join('/')}`;
      return `API ${api ?? resource}${stage === undefined || stage === '*' ? '' : ` (${stage})`}${route}`;
    }
    case 'S3':
      return `bucket ${resource}`;
    case 'SNS':
      return `topic ${resource}`;
    case 'EventBridge':
      return `rule ${resource.replace(/^rule\//, '')}`;
    default:
      return resourceName(sourceArn);
  }
}

/**
 * The triggers a resource policy (GetPolicy's JSON text) allows. The statement that lets the
 * Function URL be called is left out: the URL is its own trigger.
 */
export function parsePolicyTriggers(policyText: string): PolicyTrigger[] {
  let policy: unknown;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return [];
  }
  const statements = (policy as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? (statements as PolicyStatement[]) : statements ? [statements as PolicyStatement] : [];
  const triggers: PolicyTrigger[] = [];
  for (const statement of list) {
    if (statement.Effect !== 'Allow') continue;
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    if (actions.every((action) => action === 'lambda:InvokeFunctionUrl')) continue;
    const principal = principalOf(statement.Principal);
    const service = PRINCIPAL_SERVICES[principal] ?? (/^\d{12}$|^arn:aws[\w-]*:iam::/.test(principal) ? 'Account' : principal);
    const sourceArn = conditionValue(statement, 'AWS:SourceArn');
    const sourceAccount = conditionValue(statement, 'AWS:SourceAccount');
    triggers.push({
      kind: 'policy',
      ...(typeof statement.Sid === 'string' && statement.Sid !== '' ? { statementId: statement.Sid } : {}),
      service,
      source: service === 'Account' ? principal : describeSource(service, sourceArn, principal),
      principal,
      ...(sourceArn === undefined ? {} : { sourceArn }),
      ...(sourceAccount === undefined ? {} : { sourceAccount }),
    });
  }
  return triggers;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

export async function listEventSourceTriggers(client: LambdaClient, functionName: string): Promise<EventSourceTrigger[]> {
  const { ListEventSourceMappingsCommand } = await import('@aws-sdk/client-lambda');
  const triggers: EventSourceTrigger[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(
      new ListEventSourceMappingsCommand({ FunctionName: functionName, ...(marker === undefined ? {} : { Marker: marker }) }),
    );
    triggers.push(...(page.EventSourceMappings ?? []).map(toEventSourceTrigger));
    marker = page.NextMarker || undefined;
  } while (marker !== undefined);
  return triggers;
}

/** The policy's triggers; a function without a policy has none (Lambda answers 404). */
export async function listPolicyTriggers(client: LambdaClient, functionName: string): Promise<PolicyTrigger[]> {
  const { GetPolicyCommand } = await import('@aws-sdk/client-lambda');
  try {
    const output = await client.send(new GetPolicyCommand({ FunctionName: functionName }));
    return output.Policy === undefined ? [] : parsePolicyTriggers(output.Policy);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** The Function URL, if the function has one (Lambda answers 404 when not). */
export async function getUrlTrigger(client: LambdaClient, functionName: string): Promise<UrlTrigger | undefined> {
  const { GetFunctionUrlConfigCommand } = await import('@aws-sdk/client-lambda');
  try {
    const output = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: functionName }));
    return output.FunctionUrl === undefined
      ? undefined
      : {
          kind: 'url',
          url: output.FunctionUrl,
          authType: output.AuthType ?? 'NONE',
          ...(output.InvokeMode === undefined ? {} : { invokeMode: output.InvokeMode }),
        };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

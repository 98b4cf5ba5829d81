// The triggers a project declares for a function, as the typed union of model/trigger.ts: SAM's
// `Events` (and FunctionUrlConfig), serverless.yml's `events` (and `url`). Names are read from the
// raw values, since a logical id like `OrdersQueue` says more to a reader than the ARN it stands
// for; ARNs come from the resolved values, when a local run can know them.
import { httpCors, SERVERLESS_CORS_HEADERS } from './api-settings';
import type { ApiCors } from '../model/api-settings';
import {
  principalOfService,
  type EventSourceTrigger,
  type PolicyTrigger,
  type RouteTrigger,
  type Trigger,
  type UrlTrigger,
} from '../model/trigger';

type Raw = unknown;

function asRecord(value: Raw): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: Raw): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * A readable name for a resource reference: a logical id for `!Ref X` or `!GetAtt X.Arn`, the last
 * part of an ARN, the text of a `!Sub`; undefined when nothing short can be said.
 */
export function referenceLabel(value: Raw): string | undefined {
  if (typeof value === 'string') {
    if (!value.startsWith('arn:')) return value;
    // arn:aws:sqs:region:account:name, arn:aws:dynamodb:...:table/Name/stream/...: the resource's name.
    const resource = value.split(':').slice(5).join(':');
    const parts = resource.split('/');
    return (parts[0] === 'table' || parts[0] === 'stream' ? parts[1] : parts[parts.length - 1]) ?? resource;
  }
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const ref = record['Ref'];
  if (typeof ref === 'string') return ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  const sub = record['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  const imported = record['Fn::ImportValue'];
  return imported === undefined ? undefined : (referenceLabel(imported) ?? 'an imported value');
}

/** The logical id a `!Ref X` or `!GetAtt X.Attr` names; undefined for anything else. */
export function referencedId(value: Raw): string | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  if (typeof record['Ref'] === 'string') return record['Ref'];
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
}

function routePath(path: Raw): string | undefined {
  if (typeof path !== 'string') return undefined;
  return path.startsWith('/') ? path : `/${path}`;
}

function routeMethod(method: Raw): string {
  const upper = typeof method === 'string' ? method.toUpperCase() : 'ANY';
  return upper === '*' ? 'ANY' : upper;
}

/** The `source` of an EventBridge pattern: what emits the events the rule matches. */
function patternSource(pattern: Raw): string {
  const source = asRecord(pattern)?.['source'];
  if (typeof source === 'string') return source;
  return Array.isArray(source) ? source.filter((s) => typeof s === 'string').join(',') : '';
}

function strings(value: Raw): string[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

function arnOf(resolved: Raw): string | undefined {
  return typeof resolved === 'string' && resolved.startsWith('arn:') ? resolved : undefined;
}

/** An event source mapping from the source as written (`raw`, for its name) and as resolved (for its ARN). */
export function eventSourceOf(service: string, raw: Raw, resolved: Raw, batchSize: Raw): EventSourceTrigger {
  const sourceArn = arnOf(resolved);
  const size = typeof batchSize === 'number' ? batchSize : Number(text(batchSize) ?? Number.NaN);
  return {
    kind: 'eventSource',
    service,
    source: referenceLabel(raw) ?? referenceLabel(sourceArn) ?? '',
    ...(sourceArn === undefined ? {} : { sourceArn }),
    ...(Number.isInteger(size) ? { batchSize: size } : {}),
  };
}

function policy(service: string, source: string, extra: Partial<PolicyTrigger> = {}): PolicyTrigger {
  return { kind: 'policy', service, source, principal: principalOfService(service), ...extra };
}

/** What SAM event reading needs from the template around it. */
export interface SamEventContext {
  /** The value with the intrinsics a local run can know resolved, else undefined. */
  resolve(value: Raw): Raw;
  /** The default authorizer of the API a route belongs to (its logical id, or undefined for the implicit one). */
  defaultAuthorizer(api: 'rest' | 'http', apiId: string | undefined): string | undefined;
}

function authorizerOf(auth: Raw, api: 'rest' | 'http', apiId: string | undefined, context: SamEventContext): string | undefined {
  const named = text(asRecord(auth)?.['Authorizer']) ?? context.defaultAuthorizer(api, apiId);
  return named === undefined || named === 'NONE' ? undefined : named;
}

/** One SAM event (`Type` and `Properties`) as a trigger; undefined when it has no Type. */
export function samEventTrigger(event: Raw, context: SamEventContext): Trigger | undefined {
  const record = asRecord(event);
  const type = record?.['Type'];
  if (typeof type !== 'string') return undefined;
  const p = asRecord(record?.['Properties']) ?? {};
  const source = (key: string) => referenceLabel(p[key]) ?? '';
  const arn = (key: string) => arnOf(context.resolve(p[key]));
  switch (type) {
    case 'Api':
    case 'HttpApi': {
      const api = type === 'Api' ? 'rest' : 'http';
      const apiId = referencedId(p[type === 'Api' ? 'RestApiId' : 'ApiId']);
      // An HttpApi event without a path is the API's catch-all `$default` route.
      const path = routePath(p['Path']) ?? (api === 'http' ? '$default' : '/');
      const authorizer = authorizerOf(p['Auth'], api, apiId, context);
      const scopes = strings(asRecord(p['Auth'])?.['AuthorizationScopes']);
      const route: RouteTrigger = {
        kind: 'route',
        api,
        ...(apiId === undefined ? {} : { apiId }),
        method: routeMethod(p['Method']),
        path,
        payloadVersion: api === 'rest' || text(p['PayloadFormatVersion']) === '1.0' ? '1.0' : '2.0',
        ...(authorizer === undefined ? {} : { authorizer }),
        ...(scopes === undefined || authorizer === undefined ? {} : { authorizationScopes: scopes }),
      };
      return route;
    }
    case 'SQS':
      return eventSourceOf('SQS', p['Queue'], context.resolve(p['Queue']), p['BatchSize']);
    case 'Kinesis':
    case 'DynamoDB':
      return eventSourceOf(type, p['Stream'], context.resolve(p['Stream']), p['BatchSize']);
    case 'MSK':
      return eventSourceOf('MSK', p['Stream'], context.resolve(p['Stream']), p['BatchSize']);
    case 'SelfManagedKafka':
      return eventSourceOf('Kafka', strings(p['Topics'])?.join(',') ?? '', undefined, p['BatchSize']);
    case 'MQ':
      return eventSourceOf('Amazon MQ', p['Broker'], context.resolve(p['Broker']), p['BatchSize']);
    case 'DocumentDB':
      return eventSourceOf('DocumentDB', p['Cluster'], context.resolve(p['Cluster']), p['BatchSize']);
    case 'S3': {
      const events = strings(p['Events']);
      return policy('S3', source('Bucket'), events === undefined ? {} : { events });
    }
    case 'SNS': {
      const topicArn = arn('Topic');
      return policy('SNS', source('Topic'), topicArn === undefined ? {} : { sourceArn: topicArn });
    }
    case 'Schedule':
    case 'ScheduleV2': {
      const schedule = text(context.resolve(p[type === 'Schedule' ? 'Schedule' : 'ScheduleExpression']));
      return policy(type === 'Schedule' ? 'EventBridge' : 'EventBridge Scheduler', text(p['Name']) ?? '', {
        ...(schedule === undefined ? {} : { schedule }),
      });
    }
    case 'EventBridgeRule':
    case 'CloudWatchEvent': {
      const pattern = context.resolve(p['Pattern']);
      return policy('EventBridge', patternSource(pattern), pattern === undefined ? {} : { pattern });
    }
    case 'CloudWatchLogs':
      return policy('CloudWatch Logs', source('LogGroupName'));
    case 'Cognito': {
      const events = strings(p['Trigger']);
      return policy('Cognito', source('UserPool'), events === undefined ? {} : { events });
    }
    case 'IoTRule':
      return policy('IoT', text(p['Sql']) ?? '');
    case 'AlexaSkill':
      return policy('Alexa', text(p['SkillId']) ?? '');
    default:
      return policy(type, '');
  }
}

/** SAM's FunctionUrlConfig (or CloudFormation's AWS::Lambda::Url properties) as a URL trigger. */
export function urlTrigger(config: Raw): UrlTrigger | undefined {
  const record = asRecord(config);
  if (record === undefined) return undefined;
  const invokeMode = text(record['InvokeMode']);
  const cors = httpCors(record['Cors']);
  return {
    kind: 'url',
    authType: text(record['AuthType']) ?? 'NONE',
    ...(invokeMode === undefined ? {} : { invokeMode }),
    ...(cors === undefined ? {} : { cors }),
  };
}

/** What serverless.yml event reading needs from the file around it. */
export interface ServerlessEventContext {
  resolve(value: Raw): Raw;
  /** `provider.httpApi.payload`: the payload version of every httpApi route ('2.0' unless it says '1.0'). */
  readonly httpApiPayload: '1.0' | '2.0';
}

function serverlessAuthorizer(value: Raw): string | undefined {
  if (typeof value === 'string') return value;
  const record = asRecord(value);
  return text(record?.['name']) ?? (record?.['type'] === 'aws_iam' ? 'AWS_IAM' : referenceLabel(record?.['arn']));
}

/** An `http` event's `cors`: `true` (any origin, the Framework's headers), or `{ origin(s), headers, allowCredentials, maxAge }`. */
function serverlessRouteCors(value: Raw): ApiCors | undefined {
  if (value === true) {
    return {
      allowOrigins: ['*'],
      allowMethods: [],
      allowHeaders: SERVERLESS_CORS_HEADERS,
      exposeHeaders: [],
      allowCredentials: false,
    };
  }
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const origins = strings(record['origins']) ?? (text(record['origin']) === undefined ? ['*'] : [text(record['origin']) ?? '*']);
  const maxAge = Number(record['maxAge']);
  return {
    allowOrigins: origins,
    allowMethods: [],
    allowHeaders: strings(record['headers']) ?? SERVERLESS_CORS_HEADERS,
    exposeHeaders: [],
    allowCredentials: record['allowCredentials'] === true,
    ...(Number.isFinite(maxAge) && record['maxAge'] !== undefined ? { maxAge } : {}),
  };
}

/** One serverless.yml event (`- http: ...`, `- sqs: ...`) as its triggers (a schedule may hold several rates). */
export function serverlessEventTriggers(event: Raw, context: ServerlessEventContext): Trigger[] {
  const record = asRecord(event);
  const kind = record === undefined ? undefined : Object.keys(record)[0];
  if (record === undefined || kind === undefined) return [];
  const value = record[kind];
  const p = asRecord(value) ?? {};
  switch (kind) {
    case 'http':
    case 'httpApi': {
      const api = kind === 'http' ? 'rest' : 'http';
      // The short forms are `http: GET users/create` and `httpApi: 'POST /orders'`; `httpApi: '*'` is the catch-all.
      const [method, path] = typeof value === 'string' ? value.trim().split(/\s+/) : [p['method'], p['path']];
      const catchAll = api === 'http' && (path === '*' || (typeof value === 'string' && value.trim() === '*'));
      const authorizer = serverlessAuthorizer(p['authorizer']);
      const cors = api === 'rest' ? serverlessRouteCors(p['cors']) : undefined;
      return [
        {
          kind: 'route',
          api,
          method: routeMethod(method),
          path: catchAll ? '$default' : (routePath(path) ?? '/'),
          payloadVersion: api === 'rest' ? '1.0' : context.httpApiPayload,
          ...(authorizer === undefined ? {} : { authorizer }),
          ...(cors === undefined ? {} : { cors }),
        },
      ];
    }
    case 'sqs': {
      const arn = typeof value === 'string' ? value : p['arn'];
      return [eventSourceOf('SQS', arn ?? p['queueName'], context.resolve(arn), p['batchSize'])];
    }
    case 'stream': {
      const arn = typeof value === 'string' ? value : p['arn'];
      const resolved = context.resolve(arn);
      const type = text(p['type']) ?? (typeof resolved === 'string' ? resolved.split(':')[2] : undefined);
      return [eventSourceOf(type === 'dynamodb' ? 'DynamoDB' : 'Kinesis', arn, resolved, p['batchSize'])];
    }
    case 'msk':
      return [eventSourceOf('MSK', p['arn'], context.resolve(p['arn']), p['batchSize'])];
    case 'kafka':
      return [eventSourceOf('Kafka', text(p['topic']) ?? '', undefined, p['batchSize'])];
    case 'activemq':
    case 'rabbitmq':
      return [eventSourceOf('Amazon MQ', p['arn'], context.resolve(p['arn']), p['batchSize'])];
    case 'sns': {
      const topic = typeof value === 'string' ? value : (p['topicName'] ?? p['arn']);
      const topicArn = arnOf(context.resolve(typeof value === 'string' ? value : p['arn']));
      return [policy('SNS', referenceLabel(topic) ?? '', topicArn === undefined ? {} : { sourceArn: topicArn })];
    }
    case 's3': {
      const events = strings(p['event']);
      return [
        policy(
          'S3',
          typeof value === 'string' ? value : (referenceLabel(p['bucket']) ?? ''),
          events === undefined ? {} : { events },
        ),
      ];
    }
    case 'schedule': {
      const rates = strings(context.resolve(typeof value === 'string' ? value : p['rate'])) ?? [];
      return rates.map((schedule) => policy('EventBridge', text(p['name']) ?? '', { schedule }));
    }
    case 'eventBridge': {
      const pattern = context.resolve(p['pattern']);
      return [policy('EventBridge', patternSource(pattern), pattern === undefined ? {} : { pattern })];
    }
    case 'websocket':
      return [policy('API Gateway', `WebSocket ${typeof value === 'string' ? value : (text(p['route']) ?? '')}`)];
    case 'alb':
      return [policy('Application Load Balancer', strings(asRecord(p['conditions'])?.['path'])?.join(',') ?? '')];
    case 'cognitoUserPool': {
      const events = strings(p['trigger']);
      return [policy('Cognito', text(p['pool']) ?? '', events === undefined ? {} : { events })];
    }
    case 'cloudwatchLog':
      return [policy('CloudWatch Logs', typeof value === 'string' ? value : (text(p['logGroup']) ?? ''))];
    case 'iot':
      return [policy('IoT', text(p['sql']) ?? '')];
    case 'alexaSkill':
      return [policy('Alexa', typeof value === 'string' ? value : (text(p['appId']) ?? ''))];
    default:
      return [policy(kind, '')];
  }
}

/** serverless.yml's function-level `url: true` or `url: { authorizer: aws_iam, invokeMode: RESPONSE_STREAM }`. */
export function serverlessUrlTrigger(value: Raw): UrlTrigger | undefined {
  if (value === true) return { kind: 'url', authType: 'NONE' };
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const invokeMode = text(record['invokeMode']);
  return {
    kind: 'url',
    authType: record['authorizer'] === 'aws_iam' ? 'AWS_IAM' : 'NONE',
    ...(invokeMode === undefined ? {} : { invokeMode }),
  };
}

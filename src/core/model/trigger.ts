// What makes a function run, as one union for the triggers a project declares (SAM Events,
// serverless.yml events, the CloudFormation resources that point at a function) and those a
// deployed function has (its event source mappings, resource policy and Function URL). Where the
// two meet they are the same case: a queue's mapping is an EventSourceTrigger whether read from a
// template or from Lambda, so one view and one event picker serve both. Routes keep what a local
// API Gateway needs to serve them: the API, method, path, payload version and authorizer.

import type { ApiCors } from './api-settings';

/** An API Gateway route that proxies requests to the function. */
export interface RouteTrigger {
  readonly kind: 'route';
  /** `rest`: a REST API (SAM `Api`, serverless.yml `http`); `http`: an HTTP API (`HttpApi`, `httpApi`). */
  readonly api: 'rest' | 'http';
  /** The API resource's logical id (`RestApiId`, `ApiId`); undefined for the API SAM or the Framework creates. */
  readonly apiId?: string;
  /** Upper case; `ANY` matches every method. */
  readonly method: string;
  /** With a leading slash, as declared (`/orders/{id}`, `/{proxy+}`); `$default` for an HTTP API's catch-all route. */
  readonly path: string;
  /** The proxy event's format: REST APIs send 1.0; HTTP APIs 2.0 unless the route asks for 1.0. */
  readonly payloadVersion: '1.0' | '2.0';
  /** The authorizer that guards the route, by name; undefined when none does. */
  readonly authorizer?: string;
  /** The OAuth scopes a JWT authorizer requires of the route's callers (one of them). */
  readonly authorizationScopes?: readonly string[];
  /** CORS of this route alone (serverless.yml's `cors` on an `http` event), where the API has none of its own. */
  readonly cors?: ApiCors;
}

/** The function's own HTTPS endpoint. */
export interface UrlTrigger {
  readonly kind: 'url';
  /** `NONE` or `AWS_IAM`. */
  readonly authType: string;
  /** `BUFFERED` or `RESPONSE_STREAM`; undefined where it is not known (Lambda's default is BUFFERED). */
  readonly invokeMode?: string;
  /** The deployed URL; a declared one has none until it is deployed. */
  readonly url?: string;
  /** How it answers cross-origin requests (its Cors), when it does. */
  readonly cors?: ApiCors;
}

/** A queue, stream or broker that Lambda polls and invokes the function with batches of (an event source mapping). */
export interface EventSourceTrigger {
  readonly kind: 'eventSource';
  /** "SQS", "DynamoDB", "Kinesis", "MSK", "Kafka", "Amazon MQ", "DocumentDB". */
  readonly service: string;
  /** The queue, table, stream or cluster: its name, or the logical id a template gives it. */
  readonly source: string;
  readonly sourceArn?: string;
  readonly batchSize?: number;
  /** A deployed mapping's id. */
  readonly uuid?: string;
  /** A deployed mapping's state: "Enabled", "Disabled", "Creating"... */
  readonly state?: string;
}

/** A service the function's resource policy lets invoke it: S3, SNS, EventBridge, schedules, Cognito... */
export interface PolicyTrigger {
  readonly kind: 'policy';
  /** "S3", "SNS", "EventBridge", "EventBridge Scheduler", "CloudWatch Logs", "Cognito", "API Gateway"... or the principal. */
  readonly service: string;
  /** What invokes it: a bucket, a topic, a rule, an event source, an API and route. */
  readonly source: string;
  /** The principal the policy names, such as `s3.amazonaws.com`. */
  readonly principal: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
  /** The deployed policy statement's id. */
  readonly statementId?: string;
  /** A schedule's expression: `rate(5 minutes)`, `cron(0 12 * * ? *)`. */
  readonly schedule?: string;
  /** An EventBridge rule's event pattern. */
  readonly pattern?: unknown;
  /** What the service sends: S3's `s3:ObjectCreated:*`, a Cognito trigger's `PreSignUp`. */
  readonly events?: readonly string[];
}

export type Trigger = RouteTrigger | UrlTrigger | EventSourceTrigger | PolicyTrigger;

const API_NAMES = { rest: 'REST API', http: 'HTTP API' } as const;

/** A trigger in one line, for a list or a tooltip: `GET /hello (HTTP API)`, `SQS orders`, `Schedule rate(5 minutes)`. */
export function triggerLabel(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'route':
      return `${trigger.path === '$default' ? '$default' : `${trigger.method} ${trigger.path}`} (${API_NAMES[trigger.api]}${trigger.apiId === undefined ? '' : ` ${trigger.apiId}`})`;
    case 'url':
      return trigger.url === undefined ? `Function URL (auth ${trigger.authType})` : `Function URL ${trigger.url}`;
    case 'eventSource':
      return `${trigger.service} ${trigger.source}`;
    case 'policy':
      if (trigger.schedule !== undefined) return `Schedule ${trigger.schedule}`;
      return trigger.source === '' ? trigger.service : `${trigger.service} ${trigger.source}`;
  }
}

/** The services event source mappings read from, by the service part of the source's ARN. */
export const ARN_SERVICES: Readonly<Record<string, string>> = {
  sqs: 'SQS',
  dynamodb: 'DynamoDB',
  kinesis: 'Kinesis',
  kafka: 'MSK',
  mq: 'Amazon MQ',
  docdb: 'DocumentDB',
};

/** What a service principal is, in a reader's words; also the principal each declared trigger implies. */
export const PRINCIPAL_SERVICES: Readonly<Record<string, string>> = {
  'apigateway.amazonaws.com': 'API Gateway',
  's3.amazonaws.com': 'S3',
  'sns.amazonaws.com': 'SNS',
  'events.amazonaws.com': 'EventBridge',
  'logs.amazonaws.com': 'CloudWatch Logs',
  'elasticloadbalancing.amazonaws.com': 'Application Load Balancer',
  'iot.amazonaws.com': 'IoT',
  'cognito-idp.amazonaws.com': 'Cognito',
  'alexa-appkit.amazon.com': 'Alexa',
  'secretsmanager.amazonaws.com': 'Secrets Manager',
  'scheduler.amazonaws.com': 'EventBridge Scheduler',
  'ses.amazonaws.com': 'SES',
};

/** The principal of a service named as in PRINCIPAL_SERVICES. */
export function principalOfService(service: string): string {
  return Object.entries(PRINCIPAL_SERVICES).find(([, name]) => name === service)?.[0] ?? service;
}

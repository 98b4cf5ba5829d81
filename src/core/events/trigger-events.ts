// The events a function's own triggers would send it: an HttpApi route's proxy event with its
// method, path and path parameters; an SQS trigger's batch from its queue; a schedule's event
// from its rule. Each is an event template with the values the trigger gives, so the picker can
// offer them first and the user still edits anything before invoking.
import type { Trigger } from '../model/trigger';

export interface TriggerEvent {
  /** What the picker shows: the trigger, in a reader's words. */
  readonly title: string;
  /** The event template that makes it (see catalog.ts). */
  readonly templateId: string;
  readonly values: Readonly<Record<string, string>>;
  /** Where the trigger's ARN says its source lives, for the event's own ARNs. */
  readonly region?: string;
  readonly accountId?: string;
}

/** A path a route matches, with a sample value in each parameter: `/orders/{id}` → `/orders/1`. */
export function samplePath(route: string): string {
  if (route === '$default') return '/';
  return route
    .replace(/\{([^}]+)\+\}/g, 'example/path')
    .replace(/\{([^}]+)\}/g, (_, name: string) => (/id$/i.test(name) ? '1' : name));
}

/** The region and account of an ARN (`arn:aws:sqs:eu-west-1:123456789012:jobs`), when it has them. */
function placeOf(arn: string | undefined): { region?: string; accountId?: string } {
  const [, , , region, accountId] = arn?.split(':') ?? [];
  return {
    ...(region === undefined || region === '' ? {} : { region }),
    ...(accountId === undefined || accountId === '' ? {} : { accountId }),
  };
}

/** A resource name from the trigger's ARN, else its source: `orders-queue` from `arn:aws:sqs:...:orders-queue`. */
function nameOf(source: string, arn: string | undefined): string {
  if (arn === undefined) return source;
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  return (parts[0] === 'table' || parts[0] === 'stream' || parts[0] === 'cluster' ? parts[1] : parts[parts.length - 1]) ?? source;
}

const COGNITO_TEMPLATES: Readonly<Record<string, string>> = {
  PreSignUp: 'cognito-pre-signup',
  PostConfirmation: 'cognito-post-confirmation',
  PreTokenGeneration: 'cognito-pre-token-generation',
};

/** The events one trigger sends, most typical first; none for a trigger no template models. */
export function eventsForTrigger(trigger: Trigger): TriggerEvent[] {
  switch (trigger.kind) {
    case 'route': {
      const method = trigger.method === 'ANY' ? 'GET' : trigger.method;
      const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
      const request = {
        method,
        path: samplePath(trigger.path),
        query: '',
        ...(withBody ? { body: '{"name":"Widget","price":9.99}' } : { body: '' }),
      };
      const title = `${trigger.path === '$default' ? '$default' : `${trigger.method} ${trigger.path}`} (${trigger.api === 'http' ? 'HTTP API' : 'REST API'}, payload ${trigger.payloadVersion})`;
      // HTTP APIs send 1.0 events in the REST API's shape.
      if (trigger.payloadVersion === '2.0') {
        return [
          {
            title,
            templateId: withBody ? 'apigateway-http-post' : 'apigateway-http-get',
            values: { ...request, route: trigger.path },
          },
        ];
      }
      return [
        {
          title,
          templateId: withBody ? 'apigateway-rest-post' : 'apigateway-rest-get',
          values: {
            ...request,
            resource: trigger.path === '$default' ? '/' : trigger.path,
            stage: trigger.api === 'http' ? '$default' : 'Prod',
          },
        },
      ];
    }
    case 'url':
      return [
        { title: 'Function URL request', templateId: 'function-url-request', values: { method: 'GET', path: '/', query: '' } },
      ];
    case 'eventSource': {
      const name = nameOf(trigger.source, trigger.sourceArn);
      const place = placeOf(trigger.sourceArn);
      switch (trigger.service) {
        case 'SQS':
          return [
            {
              title: `SQS ${name}: a batch of messages`,
              templateId: name.endsWith('.fifo') ? 'sqs-fifo' : 'sqs-receive',
              values: { queue: name },
              ...place,
            },
          ];
        case 'DynamoDB':
          return (['insert', 'modify', 'remove'] as const).map((change) => ({
            title: `DynamoDB ${name}: ${change.toUpperCase()} record`,
            templateId: `dynamodb-${change}`,
            values: { table: name },
            ...place,
          }));
        case 'Kinesis':
          return [{ title: `Kinesis ${name}: records`, templateId: 'kinesis-records', values: { stream: name }, ...place }];
        case 'MSK':
          return [{ title: `MSK ${name}: records`, templateId: 'msk-records', values: { cluster: name }, ...place }];
        case 'Kafka':
          return [
            { title: `Kafka ${name}: records`, templateId: 'kafka-self-managed', values: { topic: name.split(',')[0] ?? name } },
          ];
        default:
          return [];
      }
    }
    case 'policy': {
      const source = trigger.source;
      switch (trigger.service) {
        case 'S3':
          return [
            { title: `S3 ${source}: object created`, templateId: 's3-put', values: source === '' ? {} : { bucket: source } },
            { title: `S3 ${source}: object removed`, templateId: 's3-delete', values: source === '' ? {} : { bucket: source } },
          ];
        case 'SNS':
          return [
            {
              title: `SNS ${source}: a notification`,
              templateId: 'sns-notification',
              values: source === '' ? {} : { topic: nameOf(source, trigger.sourceArn) },
              ...placeOf(trigger.sourceArn),
            },
          ];
        case 'EventBridge':
        case 'EventBridge Scheduler': {
          if (trigger.schedule !== undefined) {
            return [
              {
                title: `Schedule ${trigger.schedule}`,
                templateId: 'eventbridge-scheduled',
                values: source === '' ? {} : { rule: source },
              },
            ];
          }
          const pattern = trigger.pattern as { source?: unknown; 'detail-type'?: unknown } | undefined;
          const first = (value: unknown) => (Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined);
          const eventSource = first(pattern?.source);
          const detailType = first(pattern?.['detail-type']);
          return [
            {
              title: `EventBridge ${eventSource ?? 'rule'}: a matching event`,
              templateId: 'eventbridge-custom',
              values: {
                ...(eventSource === undefined ? {} : { source: eventSource }),
                ...(detailType === undefined ? {} : { detailType }),
              },
            },
          ];
        }
        case 'CloudWatch Logs':
          return [
            {
              title: `CloudWatch Logs ${source}: log events`,
              templateId: 'cloudwatch-logs-subscription',
              values: source === '' ? {} : { logGroup: source },
            },
          ];
        case 'Cognito':
          return (trigger.events ?? Object.keys(COGNITO_TEMPLATES)).flatMap((name) => {
            const templateId = COGNITO_TEMPLATES[name];
            return templateId === undefined ? [] : [{ title: `Cognito ${name}`, templateId, values: {} }];
          });
        case 'IoT':
          return [{ title: 'IoT rule: a message', templateId: 'iot-rule', values: {} }];
        case 'Application Load Balancer':
          return [{ title: 'Load balancer request', templateId: 'alb-request', values: {} }];
        case 'SES':
          return [{ title: 'SES: a received e-mail', templateId: 'ses-receipt', values: {} }];
        case 'Secrets Manager':
          return [{ title: 'Secrets Manager: a rotation step', templateId: 'secretsmanager-rotation', values: {} }];
        case 'Alexa':
          return [{ title: 'Alexa skill: launch request', templateId: 'alexa-launch-request', values: {} }];
        default:
          return [];
      }
    }
  }
}

// The events a function's own triggers send, as the event picker offers them first: made by the
// catalog's templates with the values each trigger gives (route, queue, table, schedule...).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateEvent } from '../../src/core/events/catalog';
import { defaultContext } from '../../src/core/events/context';
import { eventsForTrigger, samplePath, type TriggerEvent } from '../../src/core/events/trigger-events';
import type { Trigger } from '../../src/core/model/trigger';

const now = new Date('2026-12-07T10:00:00.000Z');

function generate(offer: TriggerEvent): Record<string, unknown> {
  const place = {
    ...(offer.region === undefined ? {} : { region: offer.region }),
    ...(offer.accountId === undefined ? {} : { accountId: offer.accountId }),
  };
  return generateEvent(offer.templateId, offer.values, defaultContext({ ...place, now })) as Record<string, unknown>;
}

function only(trigger: Trigger): Record<string, unknown> {
  const offers = eventsForTrigger(trigger);
  assert.equal(offers.length, 1, JSON.stringify(offers));
  return generate(offers[0] as TriggerEvent);
}

describe('events for a trigger', () => {
  test('a sample path for a route: ids become 1, greedy parameters a two-part path, $default the root', () => {
    assert.equal(samplePath('/orders/{orderId}/items/{name}'), '/orders/1/items/name');
    assert.equal(samplePath('/files/{proxy+}'), '/files/example/path');
    assert.equal(samplePath('$default'), '/');
  });

  test("an HTTP API route: a 2.0 proxy event with the route's key, path and path parameters", () => {
    const event = only({ kind: 'route', api: 'http', method: 'GET', path: '/orders/{id}', payloadVersion: '2.0' });
    assert.equal(event['version'], '2.0');
    assert.equal(event['routeKey'], 'GET /orders/{id}');
    assert.equal(event['rawPath'], '/orders/1');
    assert.deepEqual(event['pathParameters'], { id: '1' });
    assert.equal((event['requestContext'] as { http: { method: string } }).http.method, 'GET');
    assert.equal(event['body'], undefined);
  });

  test("an HTTP API's catch-all route: routeKey $default", () => {
    const event = only({ kind: 'route', api: 'http', method: 'ANY', path: '$default', payloadVersion: '2.0' });
    assert.equal(event['routeKey'], '$default');
    assert.equal(event['rawPath'], '/');
  });

  test('a REST API POST route: a 1.0 proxy event with a JSON body, the resource and the Prod stage SAM deploys', () => {
    const event = only({ kind: 'route', api: 'rest', method: 'POST', path: '/orders', payloadVersion: '1.0' });
    assert.equal(event['httpMethod'], 'POST');
    assert.equal(event['resource'], '/orders');
    assert.equal(event['path'], '/orders');
    assert.equal(event['body'], '{"name":"Widget","price":9.99}');
    assert.equal((event['requestContext'] as { stage: string }).stage, 'Prod');
  });

  test('an HTTP API route that asks for payload 1.0 gets the 1.0 shape, on the $default stage', () => {
    const event = only({ kind: 'route', api: 'http', method: 'GET', path: '/health', payloadVersion: '1.0' });
    assert.equal(event['httpMethod'], 'GET');
    assert.equal(event['resource'], '/health');
    assert.equal((event['requestContext'] as { stage: string }).stage, '$default');
  });

  test("an SQS trigger: a batch from the queue, with the queue's ARN, region and account", () => {
    const event = only({
      kind: 'eventSource',
      service: 'SQS',
      source: 'JobsQueue',
      sourceArn: 'arn:aws:sqs:eu-west-1:111122223333:jobs',
    });
    const [record] = event['Records'] as { eventSourceARN: string; awsRegion: string }[];
    assert.equal(record?.eventSourceARN, 'arn:aws:sqs:eu-west-1:111122223333:jobs');
    assert.equal(record?.awsRegion, 'eu-west-1');
  });

  test('a DynamoDB stream: one event per kind of change, on its table', () => {
    const offers = eventsForTrigger({ kind: 'eventSource', service: 'DynamoDB', source: 'OrdersTable' });
    assert.deepEqual(
      offers.map((offer) => [offer.title, offer.templateId]),
      [
        ['DynamoDB OrdersTable: INSERT record', 'dynamodb-insert'],
        ['DynamoDB OrdersTable: MODIFY record', 'dynamodb-modify'],
        ['DynamoDB OrdersTable: REMOVE record', 'dynamodb-remove'],
      ],
    );
    const [record] = generate(offers[0] as TriggerEvent)['Records'] as { eventSourceARN: string; eventName: string }[];
    assert.equal(record?.eventName, 'INSERT');
    assert.match(record?.eventSourceARN ?? '', /^arn:aws:dynamodb:us-east-1:123456789012:table\/OrdersTable\/stream\//);
  });

  test('a schedule, an EventBridge pattern, an S3 bucket, a Cognito trigger', () => {
    assert.deepEqual(
      eventsForTrigger({
        kind: 'policy',
        service: 'EventBridge',
        source: '',
        principal: 'events.amazonaws.com',
        schedule: 'rate(1 day)',
      }),
      [{ title: 'Schedule rate(1 day)', templateId: 'eventbridge-scheduled', values: {} }],
    );
    const matching = only({
      kind: 'policy',
      service: 'EventBridge',
      source: 'com.shop.orders',
      principal: 'events.amazonaws.com',
      pattern: { source: ['com.shop.orders'], 'detail-type': ['Order Placed'] },
    });
    assert.equal(matching['source'], 'com.shop.orders');
    assert.equal(matching['detail-type'], 'Order Placed');
    const [put] = eventsForTrigger({ kind: 'policy', service: 'S3', source: 'photos', principal: 's3.amazonaws.com' });
    const [s3Record] = generate(put as TriggerEvent)['Records'] as { s3: { bucket: { name: string } }; eventName: string }[];
    assert.equal(s3Record?.s3.bucket.name, 'photos');
    assert.deepEqual(
      eventsForTrigger({
        kind: 'policy',
        service: 'Cognito',
        source: 'Users',
        principal: 'cognito-idp.amazonaws.com',
        events: ['PreSignUp', 'CustomMessage'],
      }).map((offer) => offer.templateId),
      ['cognito-pre-signup'],
      'a Cognito trigger no template models is left out',
    );
  });

  test('a Function URL; a trigger no template models gives none', () => {
    const event = only({ kind: 'url', authType: 'NONE' });
    assert.equal(event['routeKey'], '$default');
    assert.deepEqual(
      eventsForTrigger({
        kind: 'policy',
        service: 'API Gateway',
        source: 'WebSocket $connect',
        principal: 'apigateway.amazonaws.com',
      }),
      [],
    );
  });

  test('every offer names a template of the catalog and only parameters it has', () => {
    const triggers: Trigger[] = [
      { kind: 'route', api: 'rest', method: 'ANY', path: '/{proxy+}', payloadVersion: '1.0' },
      { kind: 'route', api: 'http', method: 'PUT', path: '/items/{id}', payloadVersion: '2.0' },
      { kind: 'url', authType: 'AWS_IAM', invokeMode: 'RESPONSE_STREAM' },
      ...['SQS', 'DynamoDB', 'Kinesis', 'MSK', 'Kafka'].map((service): Trigger => ({
        kind: 'eventSource',
        service,
        source: 'orders.fifo',
      })),
      ...[
        'S3',
        'SNS',
        'EventBridge',
        'CloudWatch Logs',
        'Cognito',
        'IoT',
        'Alexa',
        'Application Load Balancer',
        'SES',
        'Secrets Manager',
      ].map((service): Trigger => ({ kind: 'policy', service, source: 'x', principal: 'p' })),
    ];
    const offers = triggers.flatMap(eventsForTrigger);
    assert.equal(offers.length, 23);
    for (const offer of offers) assert.doesNotThrow(() => generate(offer), offer.title);
  });
});

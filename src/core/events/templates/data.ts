// Storage, queues, topics, buses and streams: S3, SQS, SNS, EventBridge, DynamoDB Streams,
// Kinesis, Firehose, MSK and self-managed Kafka.
import type {
  AttributeValue,
  DynamoDBStreamEvent,
  EventBridgeEvent,
  FirehoseTransformationEvent,
  KinesisStreamEvent,
  MSKEvent,
  S3Event,
  ScheduledEvent,
  SelfManagedKafkaEvent,
  SNSEvent,
  SQSEvent,
} from 'aws-lambda';
import { base64, integerParameter, isoSeconds, jsonParameter, md5Hex, objectParameter, s3EventKey } from '../context';
import { defineTemplate, parameter, value, type EventTemplate, type GeneratorContext } from '../template';

// ---- S3 -------------------------------------------------------------------------------------

function s3Event(
  template: EventTemplate,
  values: Readonly<Record<string, string>>,
  context: GeneratorContext,
  eventName: string,
  withObjectDetails: boolean,
): S3Event {
  const bucket = value(template, values, 'bucket');
  const key = value(template, values, 'key');
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: context.region,
        eventTime: context.now.toISOString(),
        eventName,
        userIdentity: { principalId: `AWS:AIDA${context.hex(8).toUpperCase()}` },
        requestParameters: { sourceIPAddress: '203.0.113.24' },
        responseElements: {
          'x-amz-request-id': context.hex(8).toUpperCase(),
          'x-amz-id-2': base64(context.hex(24)),
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'lambda-notification',
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: `A${context.hex(6).toUpperCase()}` },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            key: s3EventKey(key),
            ...(withObjectDetails
              ? { size: integerParameter('size', value(template, values, 'size'), 0, 5_000_000_000_000), eTag: context.hex(16) }
              : {}),
            sequencer: context.hex(9).toUpperCase(),
          } as S3Event['Records'][number]['s3']['object'],
        },
      },
    ],
  };
}

export const s3Put = defineTemplate<S3Event>({
  id: 's3-put',
  service: 'Amazon S3',
  title: 'Object created (PUT)',
  parameters: [
    parameter('bucket', 'Bucket name', 'my-uploads-bucket'),
    parameter('key', 'Object key, as written (it is URL-encoded in the event)', 'incoming/2026/summer photo.jpg'),
    parameter('size', 'Object size in bytes', '1048576'),
  ],
  generate(values, context) {
    return s3Event(this, values, context, 'ObjectCreated:Put', true);
  },
});

export const s3Delete = defineTemplate<S3Event>({
  id: 's3-delete',
  service: 'Amazon S3',
  title: 'Object deleted',
  parameters: [
    parameter('bucket', 'Bucket name', 'my-uploads-bucket'),
    parameter('key', 'Object key, as written (it is URL-encoded in the event)', 'incoming/2026/summer photo.jpg'),
  ],
  generate(values, context) {
    return s3Event(this, values, context, 'ObjectRemoved:Delete', false);
  },
});

// ---- SQS ------------------------------------------------------------------------------------

function sqsEvent(
  template: EventTemplate,
  values: Readonly<Record<string, string>>,
  context: GeneratorContext,
  fifo: boolean,
): SQSEvent {
  const queue = value(template, values, 'queue');
  const count = integerParameter('count', value(template, values, 'count'), 1, 10_000);
  const body = value(template, values, 'body');
  const sent = context.now.getTime();
  return {
    Records: Array.from({ length: count }, (_, i) => ({
      messageId: context.uuid(),
      receiptHandle: base64(`${context.uuid()}#${context.hex(16)}`),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(sent - 1000 + i),
        SenderId: `AIDA${context.hex(8).toUpperCase()}`,
        ApproximateFirstReceiveTimestamp: String(sent + i),
        ...(fifo
          ? {
              SequenceNumber: String(18_849_496_460_467_696_128n + BigInt(i)),
              MessageGroupId: value(template, values, 'group'),
              MessageDeduplicationId: context.hex(16),
            }
          : {}),
      },
      messageAttributes: {},
      md5OfBody: md5Hex(body),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${context.region}:${context.accountId}:${queue}`,
      awsRegion: context.region,
    })),
  };
}

export const sqsReceive = defineTemplate<SQSEvent>({
  id: 'sqs-receive',
  service: 'Amazon SQS',
  title: 'Batch of messages from a standard queue',
  parameters: [
    parameter('queue', 'Queue name', 'orders-queue'),
    parameter('body', 'Message body', '{"orderId":"o-1001","amount":42.5}'),
    parameter('count', 'Number of messages in the batch', '1'),
  ],
  generate(values, context) {
    return sqsEvent(this, values, context, false);
  },
});

export const sqsFifo = defineTemplate<SQSEvent>({
  id: 'sqs-fifo',
  service: 'Amazon SQS',
  title: 'Batch of messages from a FIFO queue',
  parameters: [
    parameter('queue', 'Queue name (ends in .fifo)', 'orders-queue.fifo'),
    parameter('body', 'Message body', '{"orderId":"o-1001","amount":42.5}'),
    parameter('group', 'Message group id', 'customer-7'),
    parameter('count', 'Number of messages in the batch', '2'),
  ],
  generate(values, context) {
    return sqsEvent(this, values, context, true);
  },
});

// ---- SNS ------------------------------------------------------------------------------------

export const snsNotification = defineTemplate<SNSEvent>({
  id: 'sns-notification',
  service: 'Amazon SNS',
  title: 'Notification from a topic',
  parameters: [
    parameter('topic', 'Topic name', 'order-events'),
    parameter('subject', 'Subject', 'Order placed'),
    parameter('message', 'Message', '{"orderId":"o-1001","status":"PLACED"}'),
  ],
  generate(values, context) {
    const topicArn = `arn:aws:sns:${context.region}:${context.accountId}:${value(this, values, 'topic')}`;
    return {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: `${topicArn}:${context.uuid()}`,
          Sns: {
            Type: 'Notification',
            MessageId: context.uuid(),
            TopicArn: topicArn,
            Subject: value(this, values, 'subject'),
            Message: value(this, values, 'message'),
            Timestamp: context.now.toISOString(),
            SignatureVersion: '1',
            Signature: base64(context.hex(128)),
            SigningCertUrl: `https://sns.${context.region}.amazonaws.com/SimpleNotificationService-${context.hex(16)}.pem`,
            UnsubscribeUrl: `https://sns.${context.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${context.uuid()}`,
            MessageAttributes: {},
          },
        },
      ],
    };
  },
});

// ---- EventBridge ----------------------------------------------------------------------------

export const eventBridgeCustom = defineTemplate<EventBridgeEvent<string, unknown>>({
  id: 'eventbridge-custom',
  service: 'Amazon EventBridge',
  title: 'Custom event from an application',
  parameters: [
    parameter('source', 'Event source', 'com.example.orders'),
    parameter('detailType', 'Detail type', 'Order Placed'),
    parameter('detail', 'Detail (JSON)', '{"orderId":"o-1001","customerId":"c-7","total":42.5}'),
  ],
  generate(values, context) {
    return {
      version: '0',
      id: context.uuid(),
      'detail-type': value(this, values, 'detailType'),
      source: value(this, values, 'source'),
      account: context.accountId,
      time: isoSeconds(context.now),
      region: context.region,
      resources: [],
      detail: jsonParameter('detail', value(this, values, 'detail')),
    };
  },
});

export const eventBridgeS3ObjectCreated = defineTemplate<EventBridgeEvent<'Object Created', Record<string, unknown>>>({
  id: 'eventbridge-s3-object-created',
  service: 'Amazon EventBridge',
  title: 'S3 "Object Created" delivered through EventBridge',
  parameters: [parameter('bucket', 'Bucket name', 'my-uploads-bucket'), parameter('key', 'Object key', 'reports/2026-11.csv')],
  generate(values, context) {
    const bucket = value(this, values, 'bucket');
    return {
      version: '0',
      id: context.uuid(),
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: context.accountId,
      time: isoSeconds(context.now),
      region: context.region,
      resources: [`arn:aws:s3:::${bucket}`],
      detail: {
        version: '0',
        bucket: { name: bucket },
        object: { key: value(this, values, 'key'), size: 5120, etag: context.hex(16), sequencer: context.hex(9).toUpperCase() },
        'request-id': context.hex(8).toUpperCase(),
        requester: context.accountId,
        'source-ip-address': '203.0.113.24',
        reason: 'PutObject',
      },
    };
  },
});

export const scheduled = defineTemplate<ScheduledEvent>({
  id: 'eventbridge-scheduled',
  service: 'Amazon EventBridge Scheduler',
  title: 'Scheduled event (rate or cron rule)',
  parameters: [parameter('rule', 'Rule name', 'nightly-cleanup')],
  generate(values, context) {
    return {
      version: '0',
      id: context.uuid(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: context.accountId,
      time: isoSeconds(context.now),
      region: context.region,
      resources: [`arn:aws:events:${context.region}:${context.accountId}:rule/${value(this, values, 'rule')}`],
      detail: {},
    };
  },
});

// ---- DynamoDB Streams -------------------------------------------------------------------------

/** A JSON value as a DynamoDB attribute value (S, N, BOOL, NULL, L, M). */
export function toAttributeValue(input: unknown): AttributeValue {
  if (input === null || input === undefined) return { NULL: true };
  if (typeof input === 'string') return { S: input };
  if (typeof input === 'number') return { N: String(input) };
  if (typeof input === 'boolean') return { BOOL: input };
  if (Array.isArray(input)) return { L: input.map(toAttributeValue) };
  return { M: toAttributeMap(input as Record<string, unknown>) };
}

export function toAttributeMap(input: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(input).map(([key, item]) => [key, toAttributeValue(item)]));
}

function dynamoDbEvent(
  template: EventTemplate,
  values: Readonly<Record<string, string>>,
  context: GeneratorContext,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
): DynamoDBStreamEvent {
  const table = value(template, values, 'table');
  const keys = objectParameter('keys', value(template, values, 'keys'));
  const newImage =
    eventName === 'REMOVE' ? undefined : { ...objectParameter('newImage', value(template, values, 'newImage')), ...keys };
  const oldImage =
    eventName === 'INSERT' ? undefined : { ...objectParameter('oldImage', value(template, values, 'oldImage')), ...keys };
  const label = context.now.toISOString().replace('Z', '');
  return {
    Records: [
      {
        eventID: context.hex(16),
        eventName,
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: context.region,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(context.now.getTime() / 1000),
          Keys: toAttributeMap(keys),
          ...(newImage === undefined ? {} : { NewImage: toAttributeMap(newImage) }),
          ...(oldImage === undefined ? {} : { OldImage: toAttributeMap(oldImage) }),
          SequenceNumber: `${Date.UTC(2026, 0, 1) % 1e9}${context.hex(6).replace(/[a-f]/g, '7')}`,
          SizeBytes: Buffer.byteLength(JSON.stringify({ keys, newImage, oldImage })),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: `arn:aws:dynamodb:${context.region}:${context.accountId}:table/${table}/stream/${label}`,
      },
    ],
  };
}

const dynamoParameters = (images: ('newImage' | 'oldImage')[]) => [
  parameter('table', 'Table name', 'Orders'),
  parameter('keys', 'Key attributes (JSON)', '{"pk":"ORDER#o-1001","sk":"META"}'),
  ...(images.includes('oldImage')
    ? [parameter('oldImage', 'Item before the change (JSON)', '{"status":"PLACED","total":42.5}')]
    : []),
  ...(images.includes('newImage')
    ? [parameter('newImage', 'Item after the change (JSON)', '{"status":"SHIPPED","total":42.5}')]
    : []),
];

export const dynamoDbInsert = defineTemplate<DynamoDBStreamEvent>({
  id: 'dynamodb-insert',
  service: 'Amazon DynamoDB Streams',
  title: 'Item inserted',
  parameters: dynamoParameters(['newImage']).map((p) =>
    p.name === 'newImage' ? { ...p, default: '{"status":"PLACED","total":42.5}' } : p,
  ),
  generate(values, context) {
    return dynamoDbEvent(this, values, context, 'INSERT');
  },
});

export const dynamoDbModify = defineTemplate<DynamoDBStreamEvent>({
  id: 'dynamodb-modify',
  service: 'Amazon DynamoDB Streams',
  title: 'Item modified (old and new images)',
  parameters: dynamoParameters(['oldImage', 'newImage']),
  generate(values, context) {
    return dynamoDbEvent(this, values, context, 'MODIFY');
  },
});

export const dynamoDbRemove = defineTemplate<DynamoDBStreamEvent>({
  id: 'dynamodb-remove',
  service: 'Amazon DynamoDB Streams',
  title: 'Item removed',
  parameters: dynamoParameters(['oldImage']),
  generate(values, context) {
    return dynamoDbEvent(this, values, context, 'REMOVE');
  },
});

// ---- Kinesis, Firehose, Kafka -------------------------------------------------------------------

export const kinesisRecords = defineTemplate<KinesisStreamEvent>({
  id: 'kinesis-records',
  service: 'Amazon Kinesis Data Streams',
  title: 'Batch of records',
  parameters: [
    parameter('stream', 'Stream name', 'clickstream'),
    parameter('data', 'Record data, as written (it is base64 in the event)', '{"page":"/checkout","userId":"u-7"}'),
    parameter('partitionKey', 'Partition key', 'u-7'),
    parameter('count', 'Number of records', '1'),
  ],
  generate(values, context) {
    const stream = value(this, values, 'stream');
    const count = integerParameter('count', value(this, values, 'count'), 1, 10_000);
    const shard = 'shardId-000000000000';
    return {
      Records: Array.from({ length: count }, (_, i) => {
        const sequenceNumber = `4959${context.hex(10).replace(/[a-f]/g, '1')}${String(i).padStart(6, '0')}`;
        return {
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: value(this, values, 'partitionKey'),
            sequenceNumber,
            data: base64(value(this, values, 'data')),
            approximateArrivalTimestamp: context.now.getTime() / 1000 + i / 1000,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: `${shard}:${sequenceNumber}`,
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: `arn:aws:iam::${context.accountId}:role/lambda-kinesis-role`,
          awsRegion: context.region,
          eventSourceARN: `arn:aws:kinesis:${context.region}:${context.accountId}:stream/${stream}`,
        };
      }),
    };
  },
});

export const firehoseTransform = defineTemplate<FirehoseTransformationEvent>({
  id: 'firehose-transform',
  service: 'Amazon Data Firehose',
  title: 'Records to transform',
  parameters: [
    parameter('stream', 'Delivery stream name', 'events-to-s3'),
    parameter('data', 'Record data, as written (it is base64 in the event)', '{"level":"INFO","message":"user signed in"}'),
    parameter('count', 'Number of records', '2'),
  ],
  generate(values, context) {
    const count = integerParameter('count', value(this, values, 'count'), 1, 10_000);
    return {
      invocationId: context.uuid(),
      deliveryStreamArn: `arn:aws:firehose:${context.region}:${context.accountId}:deliverystream/${value(this, values, 'stream')}`,
      region: context.region,
      records: Array.from({ length: count }, (_, i) => ({
        recordId: `4959${context.hex(12).replace(/[a-f]/g, '2')}${String(i).padStart(4, '0')}`,
        approximateArrivalTimestamp: context.now.getTime() + i,
        data: base64(value(this, values, 'data')),
      })),
    };
  },
});

function kafkaRecords(topic: string, message: string, key: string, context: GeneratorContext) {
  return {
    [`${topic}-0`]: [
      {
        topic,
        partition: 0,
        offset: 15,
        timestamp: context.now.getTime(),
        timestampType: 'CREATE_TIME' as const,
        key: base64(key),
        value: base64(message),
        headers: [{ source: Array.from(Buffer.from('checkout-service')) }],
      },
    ],
  };
}

export const mskRecords = defineTemplate<MSKEvent>({
  id: 'msk-records',
  service: 'Amazon MSK',
  title: 'Records from a Kafka topic (MSK)',
  parameters: [
    parameter('cluster', 'Cluster name', 'orders-cluster'),
    parameter('topic', 'Topic', 'orders'),
    parameter('key', 'Record key', 'o-1001'),
    parameter('value', 'Record value, as written (it is base64 in the event)', '{"orderId":"o-1001","status":"PLACED"}'),
  ],
  generate(values, context) {
    const cluster = value(this, values, 'cluster');
    return {
      eventSource: 'aws:kafka',
      eventSourceArn: `arn:aws:kafka:${context.region}:${context.accountId}:cluster/${cluster}/${context.uuid()}-1`,
      bootstrapServers: `b-1.${cluster}.${context.hex(3)}.c2.kafka.${context.region}.amazonaws.com:9092,b-2.${cluster}.${context.hex(3)}.c2.kafka.${context.region}.amazonaws.com:9092`,
      records: kafkaRecords(value(this, values, 'topic'), value(this, values, 'value'), value(this, values, 'key'), context),
    };
  },
});

export const selfManagedKafka = defineTemplate<SelfManagedKafkaEvent>({
  id: 'kafka-self-managed',
  service: 'Apache Kafka (self-managed)',
  title: 'Records from a self-managed Kafka topic',
  parameters: [
    parameter('servers', 'Bootstrap servers', 'kafka-1.example.internal:9092,kafka-2.example.internal:9092'),
    parameter('topic', 'Topic', 'orders'),
    parameter('key', 'Record key', 'o-1001'),
    parameter('value', 'Record value, as written (it is base64 in the event)', '{"orderId":"o-1001","status":"PLACED"}'),
  ],
  generate(values, context) {
    return {
      eventSource: 'SelfManagedKafka',
      bootstrapServers: value(this, values, 'servers'),
      records: kafkaRecords(value(this, values, 'topic'), value(this, values, 'value'), value(this, values, 'key'), context),
    };
  },
});

export const dataTemplates = [
  s3Put,
  s3Delete,
  sqsReceive,
  sqsFifo,
  snsNotification,
  eventBridgeCustom,
  eventBridgeS3ObjectCreated,
  scheduled,
  dynamoDbInsert,
  dynamoDbModify,
  dynamoDbRemove,
  kinesisRecords,
  firehoseTransform,
  mskRecords,
  selfManagedKafka,
];

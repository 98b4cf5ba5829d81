import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import ts from 'typescript';
import type {
  CloudWatchLogsDecodedData,
  DynamoDBStreamEvent,
  KinesisStreamEvent,
  S3Event,
  SQSEvent,
  FunctionURLEvent,
} from './events-types';
import { EVENT_TEMPLATES, findTemplate, generateEvent } from '../../src/core/events/catalog';
import { defaultContext, md5Hex } from '../../src/core/events/context';

const root = resolve(__dirname, '../..');
const fixed = () => {
  let n = 0;
  return {
    ...defaultContext({ region: 'eu-west-1', accountId: '111122223333', now: new Date('2026-11-22T07:04:05.678Z') }),
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    hex: (bytes: number) => 'ab'.repeat(bytes),
  };
};

describe('event catalog', () => {
  test('at least 40 templates over at least 22 event sources, with unique ids', () => {
    assert.ok(EVENT_TEMPLATES.length >= 40, `${EVENT_TEMPLATES.length} templates`);
    assert.ok(new Set(EVENT_TEMPLATES.map((t) => t.service)).size >= 22);
    assert.equal(new Set(EVENT_TEMPLATES.map((t) => t.id)).size, EVENT_TEMPLATES.length);
    for (const template of EVENT_TEMPLATES) assert.match(template.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  for (const template of EVENT_TEMPLATES) {
    test(`${template.id}: generates an event that round-trips through JSON`, () => {
      const event = generateEvent(template.id, {}, fixed());
      assert.ok(event !== null && typeof event === 'object');
      // The JSON written parses back to the same JSON: nothing in it that JSON cannot carry.
      const text = JSON.stringify(event);
      assert.equal(JSON.stringify(JSON.parse(text)), text);
    });
  }

  test('the type checker accepts every template, and rejects a malformed one', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    assert.ok(config);
    const templates = ['http', 'data', 'services'].map((name) => join(root, 'src/core/events/templates', `${name}.ts`));
    const clean = ts.createProgram(templates, config.options);
    const errors = ts.getPreEmitDiagnostics(clean).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(errors, []);

    const scratch = mkdtempSync(join(tmpdir(), 'lwb-malformed-'));
    try {
      const malformed = join(scratch, 'malformed.ts');
      writeFileSync(
        malformed,
        `import type { S3Event } from 'aws-lambda';\nimport { defineTemplate } from '${join(root, 'src/core/events/template')}';\n` +
          `export const broken = defineTemplate<S3Event>({ id: 'x', service: 'S3', title: 'x', parameters: [], generate: () => ({ Records: [{ eventName: 'ObjectCreated:Put' }] }) });\n`,
      );
      const program = ts.createProgram([malformed], { ...config.options, typeRoots: [join(root, 'node_modules/@types')] });
      const diagnostics = ts.getPreEmitDiagnostics(program);
      assert.ok(diagnostics.length > 0, 'a record without its S3 fields is rejected');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('parameters shape the event; unknown templates and parameters are named', () => {
    const event = generateEvent('sqs-receive', { queue: 'jobs', body: 'hello', count: '3' }, fixed()) as SQSEvent;
    assert.equal(event.Records.length, 3);
    assert.equal(event.Records[0]?.eventSourceARN, 'arn:aws:sqs:eu-west-1:111122223333:jobs');
    assert.equal(event.Records[0]?.md5OfBody, md5Hex('hello'));
    assert.throws(() => generateEvent('no-such-template'), /There is no event template "no-such-template"/);
    assert.throws(
      () => generateEvent('sqs-receive', { colour: 'red' }),
      /has no parameter "colour"\. Its parameters: queue, body, count\./,
    );
    assert.throws(() => generateEvent('sqs-receive', { count: 'many' }), /"count" must be a whole number/);
    assert.throws(() => generateEvent('eventbridge-custom', { detail: '{oops' }), /"detail" must be JSON/);
  });
});

describe('encodings', () => {
  test('S3 keys are URL-encoded as S3 writes them', () => {
    const event = generateEvent('s3-put', { key: 'photos/summer 2026/ünïcode+plus.jpg' }, fixed()) as S3Event;
    assert.equal(event.Records[0]?.s3.object.key, 'photos/summer+2026/%C3%BCn%C3%AFcode%2Bplus.jpg');
    assert.equal(
      decodeURIComponent((event.Records[0]?.s3.object.key ?? '').replace(/\+/g, ' ')),
      'photos/summer 2026/ünïcode+plus.jpg',
    );
  });

  test('Kinesis data is the base64 of what was given', () => {
    const event = generateEvent('kinesis-records', { data: '{"n":1}', count: '2' }, fixed()) as KinesisStreamEvent;
    assert.equal(event.Records.length, 2);
    assert.equal(Buffer.from(event.Records[1]?.kinesis.data ?? '', 'base64').toString(), '{"n":1}');
  });

  test('CloudWatch Logs data decodes back to the given lines', () => {
    const event = generateEvent(
      'cloudwatch-logs-subscription',
      { lines: 'first line\nsecond: ✓', logGroup: '/aws/lambda/x' },
      fixed(),
    ) as {
      awslogs: { data: string };
    };
    const decoded = JSON.parse(
      gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'),
    ) as CloudWatchLogsDecodedData;
    assert.deepEqual(
      decoded.logEvents.map((e) => e.message),
      ['first line', 'second: ✓'],
    );
    assert.equal(decoded.logGroup, '/aws/lambda/x');
    assert.equal(decoded.messageType, 'DATA_MESSAGE');
    assert.ok(decoded.logEvents.every((e) => /^\d{56}$/.test(e.id)));
  });

  test('DynamoDB images are typed attribute values', () => {
    const event = generateEvent(
      'dynamodb-modify',
      { keys: '{"pk":"A"}', oldImage: '{"n":1}', newImage: '{"n":2,"tags":["x"],"ok":true,"none":null}' },
      fixed(),
    ) as DynamoDBStreamEvent;
    const record = event.Records[0]?.dynamodb;
    assert.deepEqual(record?.Keys, { pk: { S: 'A' } });
    assert.deepEqual(record?.NewImage, {
      n: { N: '2' },
      tags: { L: [{ S: 'x' }] },
      ok: { BOOL: true },
      none: { NULL: true },
      pk: { S: 'A' },
    });
    assert.deepEqual(record?.OldImage, { n: { N: '1' }, pk: { S: 'A' } });
  });

  test('a function URL body is base64-encoded; API Gateway times agree with each other', () => {
    const url = generateEvent('function-url-request', { method: 'POST', body: '{"a":1}' }, fixed()) as FunctionURLEvent;
    assert.equal(url.isBase64Encoded, true);
    assert.equal(Buffer.from(url.body ?? '', 'base64').toString(), '{"a":1}');
    const rest = generateEvent('apigateway-rest-get', { path: '/items/7' }, fixed()) as {
      pathParameters: Record<string, string>;
      requestContext: { requestTime: string; requestTimeEpoch: number };
    };
    assert.deepEqual(rest.pathParameters, { id: '7' });
    assert.equal(rest.requestContext.requestTime, '22/Nov/2026:07:04:05 +0000');
    assert.equal(rest.requestContext.requestTimeEpoch, Date.parse('2026-11-22T07:04:05.678Z'));
  });

  test('every template has a findable id and parameters with defaults', () => {
    for (const template of EVENT_TEMPLATES) {
      assert.equal(findTemplate(template.id), template);
      for (const parameter of template.parameters) assert.equal(typeof parameter.default, 'string');
    }
  });
});

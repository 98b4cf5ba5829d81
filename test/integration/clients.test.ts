// Real Lambda clients, unmodified, against the emulator: the AWS SDK v3 LambdaClient with an
// endpoint override, and the AWS CLI with --endpoint-url.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { InvokeCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { node, startEmulator, type Harness } from './emulator-harness';

const awsCli = join(__dirname, '../../.cache/venv/bin/aws');
const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret-not-used' };

describe('clients', () => {
  let h: Harness;
  let client: LambdaClient;
  const scratch = mkdtempSync(join(tmpdir(), 'lwb-clients-'));
  before(async () => {
    h = await startEmulator([node('echo', 'handlers.echo'), node('throws', 'handlers.throws'), node('slow', 'handlers.sleep')], {
      concurrency: 1,
    });
    // One attempt: the SDK would otherwise retry the throttled call of the last test.
    client = new LambdaClient({ endpoint: h.server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  });
  after(async () => {
    client.destroy();
    await h.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('AWS SDK v3 InvokeCommand reads status, payload, version, log and request id', async () => {
    const result = await client.send(
      new InvokeCommand({ FunctionName: 'echo', Payload: new TextEncoder().encode('{"from":"sdk"}'), LogType: 'Tail' }),
    );
    assert.equal(result.StatusCode, 200);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(result.Payload)), { from: 'sdk' });
    assert.equal(result.ExecutedVersion, '$LATEST');
    assert.equal(result.FunctionError, undefined);
    assert.match(result.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.match(
      Buffer.from(result.LogResult ?? '', 'base64').toString(),
      new RegExp(`START RequestId: ${result.$metadata.requestId ?? ''}`),
    );
  });

  test('AWS SDK v3 sees a function error as FunctionError, not an exception', async () => {
    const result = await client.send(new InvokeCommand({ FunctionName: 'throws' }));
    assert.equal(result.FunctionError, 'Unhandled');
    assert.equal((JSON.parse(new TextDecoder().decode(result.Payload)) as { errorMessage: string }).errorMessage, 'boom');
  });

  test('AWS SDK v3 Event and DryRun invocations', async () => {
    assert.equal((await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event' }))).StatusCode, 202);
    assert.equal((await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }))).StatusCode, 204);
  });

  test('AWS SDK v3 raises the service errors as their typed exceptions', async () => {
    await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'missing' })), (error: unknown) => {
      assert.ok(error instanceof ResourceNotFoundException);
      assert.match(error.message, /Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing:\$LATEST/);
      assert.equal(error.$metadata.httpStatusCode, 404);
      return true;
    });
    const slow = client.send(new InvokeCommand({ FunctionName: 'slow', Payload: new TextEncoder().encode('{"ms":600}') }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'slow', Payload: new TextEncoder().encode('{"ms":1}') })),
      (error: unknown) => {
        assert.ok(error instanceof TooManyRequestsException);
        return true;
      },
    );
    assert.equal((await slow).StatusCode, 200);
  });

  test('the AWS CLI (v1, which sends --payload as is) invokes through --endpoint-url', async () => {
    assert.ok(existsSync(awsCli), `the AWS CLI is not installed at ${awsCli}; run "npm run setup"`);
    const out = join(scratch, 'out.json');
    const { stdout } = await promisify(execFile)(
      awsCli,
      [
        'lambda',
        'invoke',
        '--endpoint-url',
        h.server.url,
        '--function-name',
        'echo',
        '--payload',
        '{"from":"cli"}',
        '--log-type',
        'Tail',
        out,
      ],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: join(scratch, 'no-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
        },
        timeout: 60_000,
      },
    );
    const response = JSON.parse(stdout) as { StatusCode: number; ExecutedVersion: string; LogResult: string };
    assert.equal(response.StatusCode, 200);
    assert.equal(response.ExecutedVersion, '$LATEST');
    assert.match(Buffer.from(response.LogResult, 'base64').toString(), /^START RequestId: /);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { from: 'cli' });
  });
});

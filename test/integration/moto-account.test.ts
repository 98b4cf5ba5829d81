// A realistic account in moto (1000 functions and one wired to everything), read back with the
// real SDK, directly and through the proxy that adds what moto lacks (paging, code downloads,
// throttling).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListAliasesCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  TooManyRequestsException,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import { FAKE_SECRET, seedAccount, startMotoGaps } from '../support/moto-account.mjs';
import { motoCredentials, startMoto } from '../support/moto.mjs';

const FUNCTIONS = 1000;

describe('a seeded moto account', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let gaps: Awaited<ReturnType<typeof startMotoGaps>>;
  let seeded: Awaited<ReturnType<typeof seedAccount>>;
  let direct: LambdaClient;
  let proxied: LambdaClient;

  before(async () => {
    moto = await startMoto();
    gaps = await startMotoGaps(moto.url);
    // Through the proxy, so it sees every ZipFile and can serve the code GetFunction points to.
    seeded = await seedAccount(gaps.url, { functions: FUNCTIONS });
    const client = (endpoint: string) => new LambdaClient({ endpoint, region: 'us-east-1', credentials: motoCredentials });
    direct = client(moto.url);
    // The SDK's default retries (3 attempts), which the throttling tests rely on.
    proxied = client(gaps.url);
  });

  after(async () => {
    direct.destroy();
    proxied.destroy();
    await gaps.stop();
    await moto.stop();
  });

  test('1000 functions are seeded, and how long it took is reported', (t) => {
    t.diagnostic(`seeded ${seeded.functionNames.length} functions in ${seeded.seedMs} ms`);
    assert.equal(seeded.functionNames.length, FUNCTIONS);
    assert.ok(seeded.functionNames.includes(seeded.featured));
    assert.ok(seeded.functionNames.includes('svc-0001-payments-api'));
    // moto's per-request cost sets the pace: about 10 s on a quiet 2-CPU machine, 15-20 s beside
    // other test runs. The bound catches only a regression of another order, such as calls made
    // one at a time.
    assert.ok(seeded.seedMs < 60_000, `seeding took ${seeded.seedMs} ms`);
  });

  test('moto alone returns every function at once, whatever MaxItems says', async () => {
    const all = await direct.send(new ListFunctionsCommand({ MaxItems: 5 }));
    assert.equal(all.Functions?.length, FUNCTIONS);
    assert.equal(all.NextMarker, undefined);
  });

  test('through the proxy, the SDK paginator reads all 1000 in pages of at most 50', async () => {
    const sizes: number[] = [];
    const names: string[] = [];
    for await (const page of paginateListFunctions({ client: proxied }, {})) {
      sizes.push(page.Functions?.length ?? 0);
      names.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
    }
    assert.equal(names.length, FUNCTIONS);
    assert.deepEqual(names, seeded.functionNames);
    assert.ok(sizes.every((size) => size <= 50));
    assert.equal(sizes.length, FUNCTIONS / 50);
    // A smaller MaxItems is honoured, and a marker resumes after the last function returned.
    const first = await proxied.send(new ListFunctionsCommand({ MaxItems: 3 }));
    const second = await proxied.send(new ListFunctionsCommand({ MaxItems: 3, Marker: first.NextMarker }));
    assert.deepEqual(
      [...(first.Functions ?? []), ...(second.Functions ?? [])].map((f) => f.FunctionName),
      seeded.functionNames.slice(0, 6),
    );
  });

  test('the featured function has its configuration, layer, VPC, tags and reserved concurrency', async () => {
    const got = await direct.send(new GetFunctionCommand({ FunctionName: seeded.featured }));
    const config = got.Configuration;
    assert.equal(config?.Runtime, 'nodejs20.x');
    assert.equal(config?.Handler, 'index.handler');
    assert.equal(config?.Environment?.Variables?.['DB_PASSWORD'], FAKE_SECRET);
    assert.deepEqual(
      config?.Layers?.map((l) => l.Arn),
      [seeded.layerVersionArn],
    );
    assert.deepEqual(config?.VpcConfig?.SubnetIds, seeded.vpc.subnetIds);
    assert.deepEqual(config?.VpcConfig?.SecurityGroupIds, seeded.vpc.securityGroupIds);
    assert.equal(got.Concurrency?.ReservedConcurrentExecutions, 25);
    assert.equal(got.Tags?.['team'], 'orders');
  });

  test('the featured function has its event sources, permissions, versions, aliases and URL', async () => {
    const name = seeded.featured;
    const mappings = (await direct.send(new ListEventSourceMappingsCommand({ FunctionName: name }))).EventSourceMappings ?? [];
    const sqs = mappings.find((m) => m.EventSourceArn === seeded.queueArn);
    assert.equal(sqs?.BatchSize, 10);
    assert.equal(sqs?.State, 'Enabled');
    assert.ok(mappings.some((m) => m.EventSourceArn === seeded.tableStreamArn));

    const policy = JSON.parse((await direct.send(new GetPolicyCommand({ FunctionName: name }))).Policy ?? '{}') as {
      Statement: { Sid: string; Principal: unknown; Condition?: { ArnLike?: Record<string, string> } }[];
    };
    assert.equal(policy.Statement.length, 5);
    assert.deepEqual(
      policy.Statement.map((s) => s.Sid),
      seeded.permissions.map((p) => p.sid),
    );
    const s3 = policy.Statement.find((s) => s.Sid === 's3-invoke');
    assert.deepEqual(s3?.Principal, { Service: 's3.amazonaws.com' });
    assert.equal(s3?.Condition?.ArnLike?.['AWS:SourceArn'], 'arn:aws:s3:::some-bucket');

    const versions = (await direct.send(new ListVersionsByFunctionCommand({ FunctionName: name }))).Versions ?? [];
    assert.deepEqual(
      versions.map((v) => v.Version),
      ['$LATEST', '1', '2'],
    );

    const aliases = (await direct.send(new ListAliasesCommand({ FunctionName: name }))).Aliases ?? [];
    const live = aliases.find((a) => a.Name === 'live');
    assert.equal(live?.FunctionVersion, '2');
    assert.deepEqual(live?.RoutingConfig?.AdditionalVersionWeights, { '1': 0.1 });
    assert.equal(aliases.find((a) => a.Name === 'dev')?.FunctionVersion, '$LATEST');

    const url = await direct.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
    assert.equal(url.AuthType, 'NONE');
    assert.equal(url.FunctionUrl, seeded.functionUrl);
  });

  test("through the proxy, GetFunction's Code.Location downloads exactly the function's zip", async () => {
    const got = await proxied.send(new GetFunctionCommand({ FunctionName: seeded.featured }));
    const location = got.Code?.Location ?? '';
    assert.equal(got.Code?.RepositoryType, 'S3');
    assert.ok(location.startsWith(`${gaps.url}/code/`), location);
    const download = await fetch(location);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), seeded.zip);

    // A Python function's code is its own zip; a function the proxy never saw is a 404.
    const python = await proxied.send(new GetFunctionCommand({ FunctionName: 'svc-0002-inventory-api' }));
    assert.equal(python.Configuration?.Runtime, 'python3.12');
    assert.deepEqual(Buffer.from(await (await fetch(python.Code?.Location ?? '')).arrayBuffer()), seeded.pythonZip);
    assert.equal((await fetch(`${gaps.url}/code/no-such-function.zip`)).status, 404);
  });

  test('two throttled requests are retried by the SDK, and the third attempt succeeds', async () => {
    const before = gaps.requests;
    gaps.throttle(2);
    const config = await proxied.send(new GetFunctionConfigurationCommand({ FunctionName: seeded.featured }));
    assert.equal(config.FunctionName, seeded.featured);
    assert.equal(gaps.requests - before, 3);
    assert.deepEqual(
      gaps.log.slice(before).map((r) => r.status),
      [429, 429, 200],
    );
  });

  test('throttling past the retries ends in TooManyRequestsException', async () => {
    gaps.throttle(10);
    try {
      await assert.rejects(
        proxied.send(new GetFunctionConfigurationCommand({ FunctionName: seeded.featured })),
        (error: unknown) => {
          assert.ok(error instanceof TooManyRequestsException);
          assert.equal(error.Reason, 'CallerRateLimitExceeded');
          assert.equal(error.message, 'Rate exceeded');
          assert.equal(error.$metadata.httpStatusCode, 429);
          assert.equal(error.$metadata.attempts, 3);
          return true;
        },
      );
    } finally {
      gaps.throttle(0);
    }
  });
});

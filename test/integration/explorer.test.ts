// The account explorer's queries and the credential paths, against a real moto server with a
// seeded account. moto 5.2.5 does not page ListFunctions, serves no code behind GetFunction's
// Code.Location and never throttles; those paths go through startMotoGaps, a real HTTP proxy in
// front of moto that adds exactly those behaviours (test/support/moto-account.mjs).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DeleteFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { AwsError, toAwsError } from '../../src/core/aws/aws-errors';
import { createLambdaClient, type AwsConnection } from '../../src/core/aws/connection';
import {
  FUNCTIONS_PAGE_SIZE,
  getEnvironmentValue,
  getFunctionDetails,
  listAliases,
  listFunctionsPage,
  listVersions,
  describeRouting,
} from '../../src/core/aws/deployed-functions';
import { downloadFunctionCode } from '../../src/core/aws/download-code';
import { readProfiles } from '../../src/core/aws/profiles';
import { getUrlTrigger, listEventSourceTriggers, listPolicyTriggers } from '../../src/core/aws/triggers';
import { FAKE_SECRET, seedAccount, startMotoGaps } from '../support/moto-account.mjs';
import { createLimitedUser, motoCredentials, startMoto } from '../support/moto.mjs';
import { freePort } from '../support/processes.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'lwb-explorer-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `run` with AWS settings from env replaced by `vars` (the SDK reads process.env at call time). */
async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) Reflect.deleteProperty(process.env, name);
  Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true' }, vars);
  try {
    return await run();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) Reflect.deleteProperty(process.env, name);
    Object.assign(process.env, saved);
  }
}

describe('the functions explorer against a seeded account', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let gaps: Awaited<ReturnType<typeof startMotoGaps>>;
  let seeded: Awaited<ReturnType<typeof seedAccount>>;
  let client: LambdaClient;
  const connection = (): AwsConnection => ({ region: 'us-east-1', endpointUrl: gaps.url });

  before(async () => {
    moto = await startMoto();
    gaps = await startMotoGaps(moto.url);
    seeded = await seedAccount(gaps.url, { functions: 1000 });
    // The SDK reads the environment when it signs, not when the client is made: keep it for the suite.
    process.env['AWS_ACCESS_KEY_ID'] = motoCredentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = motoCredentials.secretAccessKey;
    client = await createLambdaClient(connection());
  });

  after(async () => {
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    client?.destroy();
    await gaps?.stop();
    await moto?.stop();
  });

  test('ListFunctions is read page by page, 50 at a time, to all 1000 functions', async () => {
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await listFunctionsPage(client, marker);
      assert.ok(page.functions.length <= FUNCTIONS_PAGE_SIZE);
      names.push(...page.functions.map((fn) => fn.name));
      marker = page.nextMarker;
      pages++;
    } while (marker !== undefined);
    assert.equal(pages, 20);
    assert.deepEqual([...names].sort(), seeded.functionNames);
    const first = (await listFunctionsPage(client)).functions[0];
    assert.ok(
      first?.runtime !== undefined && first.memoryMb > 0 && first.timeoutSeconds > 0 && first.arn.startsWith('arn:aws:lambda:'),
    );
  });

  test("a function's configuration: environment names without values, layers, role, VPC, reserved concurrency", async () => {
    const details = await getFunctionDetails(client, seeded.featured);
    assert.deepEqual(details.fn.environmentNames, Object.keys(seeded.environment).sort());
    assert.ok(!JSON.stringify(details).includes(FAKE_SECRET), 'no environment value is kept');
    assert.deepEqual(
      details.fn.layers.map((l) => l.arn),
      [seeded.layerVersionArn],
    );
    assert.equal(details.fn.role, seeded.roleArn);
    assert.deepEqual(details.fn.vpc?.subnetIds, seeded.vpc.subnetIds);
    assert.equal(details.reservedConcurrency, seeded.reservedConcurrency);
    assert.equal(await getEnvironmentValue(client, seeded.featured, 'DB_PASSWORD'), FAKE_SECRET, 'revealed on demand');
  });

  test('triggers: event source mappings, the resource policy by service, and the Function URL', async () => {
    const mappings = await listEventSourceTriggers(client, seeded.featured);
    const sqs = mappings.find((m) => m.service === 'SQS');
    assert.equal(sqs?.sourceArn, seeded.queueArn);
    assert.equal(sqs?.batchSize, 10);
    assert.ok(mappings.some((m) => m.service === 'DynamoDB'));
    const policy = await listPolicyTriggers(client, seeded.featured);
    assert.deepEqual(policy.map((t) => t.service).sort(), ['API Gateway', 'Account', 'EventBridge', 'S3', 'SNS']);
    assert.equal((await getUrlTrigger(client, seeded.featured))?.url, seeded.functionUrl);
    // A function with none of them: no error, just nothing.
    const plain = seeded.functionNames.find((name) => name !== seeded.featured) ?? '';
    assert.deepEqual(await listPolicyTriggers(client, plain), []);
    assert.equal(await getUrlTrigger(client, plain), undefined);
  });

  test('versions newest first, and aliases with their routing weights', async () => {
    const versions = await listVersions(client, seeded.featured);
    assert.deepEqual(
      versions.map((v) => v.version),
      [...seeded.versions].reverse(),
    );
    const aliases = await listAliases(client, seeded.featured);
    const live = aliases.find((a) => a.name === 'live');
    assert.ok(live);
    assert.equal(describeRouting(live), '2 (90%), 1 (10%)');
    assert.ok(aliases.some((a) => a.name === 'dev'));
  });

  test('Download Code unpacks exactly the deployed package', async () => {
    const folder = join(scratch, 'downloaded');
    const result = await downloadFunctionCode(client, seeded.featured, undefined, folder);
    assert.equal(result.files, 1);
    const code = readFileSync(join(folder, 'index.mjs'));
    assert.match(code.toString(), /export const handler/);
    const live = await downloadFunctionCode(client, seeded.featured, 'live', join(scratch, 'downloaded-live'));
    assert.equal(live.files, 1);
    assert.equal(
      createHash('sha256')
        .update(readFileSync(join(scratch, 'downloaded-live/index.mjs')))
        .digest('hex'),
      createHash('sha256').update(code).digest('hex'),
    );
  });

  test('a function deleted meanwhile is "not found", not an unexpected error', async () => {
    const victim = seeded.functionNames.find((name) => name.startsWith('svc-0999')) ?? '';
    await client.send(new DeleteFunctionCommand({ FunctionName: victim }));
    const failure = await getFunctionDetails(client, victim).catch((error: unknown) => error);
    const error = toAwsError(failure, { doing: `Reading ${victim}` }, connection());
    assert.equal(error.kind, 'notFound');
    assert.match(error.message, new RegExp(victim));
  });

  test('throttling: the SDK retries and succeeds; when it keeps happening the message says so', async () => {
    const before = gaps.requests;
    gaps.throttle(2);
    const page = await listFunctionsPage(client);
    assert.equal(page.functions.length, FUNCTIONS_PAGE_SIZE);
    assert.equal(gaps.requests - before, 3, 'two throttled attempts, then the one that passed');
    gaps.throttle(10);
    const failure = await listFunctionsPage(client).catch((error: unknown) => error);
    gaps.throttle(0);
    const error = toAwsError(
      failure,
      { doing: 'Listing the functions of us-east-1', action: 'lambda:ListFunctions' },
      connection(),
    );
    assert.equal(error.kind, 'throttled');
    assert.match(error.message, /AWS is throttling requests \(TooManyRequestsException\) after 3 attempts/);
  });

  test('an endpoint nothing listens on is "unreachable", naming the endpoint', async () => {
    const port = Number(await freePort());
    const closed: AwsConnection = { region: 'us-east-1', endpointUrl: `http://127.0.0.1:${port}` };
    const failure = await withEnv({ AWS_ACCESS_KEY_ID: 'AKIDCLOSED', AWS_SECRET_ACCESS_KEY: 'closed' }, async () => {
      const unreachable = await createLambdaClient(closed);
      try {
        return await listFunctionsPage(unreachable).catch((error: unknown) => error);
      } finally {
        unreachable.destroy();
      }
    });
    const error = toAwsError(failure, { doing: 'Listing the functions of us-east-1' }, closed);
    assert.equal(error.kind, 'unreachable');
    assert.match(error.message, new RegExp(`http://127.0.0.1:${port} could not be reached \\(the connection was refused\\)`));
  });
});

describe('credentials from profiles, against moto', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  const config = join(scratch, 'config');
  const credentials = join(scratch, 'credentials');

  before(async () => {
    moto = await startMoto();
  });
  after(async () => moto?.stop());

  /** Lists functions with a profile of the scratch files; resolves to the count or the AwsError. */
  function listWith(profile: string | undefined, home = scratch): Promise<number | AwsError> {
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, HOME: home };
    const connection: AwsConnection = {
      region: 'us-east-1',
      endpointUrl: moto.url,
      ...(profile === undefined ? {} : { profile }),
    };
    return withEnv(env, async () => {
      const lambda = await createLambdaClient(connection);
      try {
        return (await lambda.send(new ListFunctionsCommand({}))).Functions?.length ?? 0;
      } catch (error) {
        return toAwsError(error, { doing: 'Listing the functions of us-east-1', action: 'lambda:ListFunctions' }, connection);
      } finally {
        lambda.destroy();
      }
    });
  }

  test('static keys, credential_process (a real child process) and an assumed role through STS all work', async () => {
    const helper = join(scratch, 'credential-helper.cjs');
    writeFileSync(
      helper,
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(motoCredentials.accessKeyId)}, SecretAccessKey: ${JSON.stringify(motoCredentials.secretAccessKey)} }));`,
    );
    writeFileSync(
      credentials,
      `[static]\naws_access_key_id = ${motoCredentials.accessKeyId}\naws_secret_access_key = ${motoCredentials.secretAccessKey}\n`,
    );
    writeFileSync(
      config,
      [
        '[profile process]',
        `credential_process = ${JSON.stringify(process.execPath)} ${JSON.stringify(helper)}`,
        '[profile deployer]',
        'role_arn = arn:aws:iam::123456789012:role/deployer',
        'source_profile = static',
        '',
      ].join('\n'),
    );
    assert.equal(await listWith('static'), 0);
    assert.equal(await listWith('process'), 0);
    assert.equal(await listWith('deployer'), 0);
  });

  test('a malformed file is reported by the picker, and the SDK still uses its other profiles', async () => {
    writeFileSync(
      credentials,
      `[static]\naws_access_key_id = ${motoCredentials.accessKeyId}\naws_secret_access_key = ${motoCredentials.secretAccessKey}\nthis line is broken\n[half\n`,
    );
    writeFileSync(config, '[profile fine]\nregion = eu-west-1\n');
    const catalog = await readProfiles({ config, credentials });
    assert.deepEqual(
      catalog.problems.map((p) => [p.file, p.line]),
      [
        [credentials, 4],
        [credentials, 5],
      ],
    );
    assert.deepEqual(catalog.profiles.map((p) => p.name).sort(), ['fine', 'static']);
    assert.equal(await listWith('static'), 0);
  });

  test('a missing profile and no credentials at all say what to do', async () => {
    writeFileSync(config, '');
    writeFileSync(credentials, '');
    const missing = await listWith('nowhere');
    assert.ok(missing instanceof AwsError);
    assert.equal(missing.kind, 'noCredentials');
    assert.match(missing.message, /profile "nowhere"/);
    const none = await listWith(undefined);
    assert.ok(none instanceof AwsError);
    assert.equal(none.kind, 'noCredentials');
    assert.match(none.message, /Lambda: Choose AWS Profile/);
  });

  test('an expired SSO session, legacy or sso-session style, offers "aws sso login --profile X" without touching the network', async () => {
    const startUrl = 'https://example.awsapps.com/start';
    const cacheDir = join(scratch, '.aws/sso/cache');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(cacheDir, { recursive: true });
    const expired = { accessToken: 'expired-token', expiresAt: '2020-01-01T00:00:00Z', region: 'us-east-1', startUrl };
    writeFileSync(join(cacheDir, `${createHash('sha1').update(startUrl).digest('hex')}.json`), JSON.stringify(expired));
    writeFileSync(join(cacheDir, `${createHash('sha1').update('corp').digest('hex')}.json`), JSON.stringify(expired));
    writeFileSync(credentials, '');
    writeFileSync(
      config,
      [
        '[profile legacy-sso]',
        `sso_start_url = ${startUrl}`,
        'sso_region = us-east-1',
        'sso_account_id = 123456789012',
        'sso_role_name = Developer',
        '[profile team-sso]',
        'sso_session = corp',
        'sso_account_id = 123456789012',
        'sso_role_name = Developer',
        '[sso-session corp]',
        `sso_start_url = ${startUrl}`,
        'sso_region = us-east-1',
        '',
      ].join('\n'),
    );
    for (const profile of ['legacy-sso', 'team-sso']) {
      const error = await listWith(profile);
      assert.ok(error instanceof AwsError, `${profile} fails`);
      assert.equal(error.kind, 'ssoExpired', `${profile}: ${error.message}`);
      assert.deepEqual(error.remedy, { kind: 'ssoLogin', profile });
      assert.match(error.message, new RegExp(`aws sso login --profile ${profile}`));
    }
  });
});

describe('access denied, with IAM enforced by moto', () => {
  test('the missing IAM action is named', async () => {
    // IAM is checked after the three requests that create the limited user.
    const moto = await startMoto({ enforceIamAfter: 3 });
    try {
      const reader = await createLimitedUser(moto.url, 'reader', ['lambda:ListFunctions']);
      const connection: AwsConnection = { region: 'us-east-1', endpointUrl: moto.url };
      await withEnv({ AWS_ACCESS_KEY_ID: reader.accessKeyId, AWS_SECRET_ACCESS_KEY: reader.secretAccessKey }, async () => {
        const lambda = await createLambdaClient(connection);
        try {
          assert.equal((await listFunctionsPage(lambda)).functions.length, 0, 'the allowed action works');
          const failure = await listPolicyTriggers(lambda, 'orders').catch((error: unknown) => error);
          const error = toAwsError(
            failure,
            { doing: 'Reading the resource policy of orders', action: 'lambda:GetPolicy' },
            connection,
          );
          assert.equal(error.kind, 'accessDenied');
          assert.match(error.message, /lacks the IAM permission lambda:GetPolicy/);
          assert.ok(!error.message.includes(reader.secretAccessKey));
        } finally {
          lambda.destroy();
        }
      });
    } finally {
      await moto.stop();
    }
  });
});

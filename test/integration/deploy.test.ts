// Deploy against a real moto server, through startMotoGaps' proxy (test/support/moto-account.mjs),
// which records every request and adds what moto 5.2.5 cannot serve: a code download behind
// GetFunction's Code.Location, a ResourceConflictException while an update is in progress
// (conflict(n)), and an update Lambda fails to apply (failUpdates(): moto's LastUpdateStatus is
// always Successful). The fixture project is test/fixtures/deploy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateFunctionCommand, GetAliasCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsError } from '../../src/core/aws/aws-errors';
import { createLambdaClient, type AwsConnection } from '../../src/core/aws/connection';
import { BundleError } from '../../src/core/bundle/bundle';
import { buildDeploymentPackage, type DeploymentPackage } from '../../src/core/bundle/deployment-package';
import { prepareLocalFunction } from '../../src/core/bundle/local-function';
import {
  DeployCancelledError,
  DeployError,
  deployLocalFunction,
  deployPackage,
  type DeployStep,
} from '../../src/core/deploy/deploy';
import { readTemplate } from '../../src/core/discovery/sam';
import type { FunctionConfig } from '../../src/core/function-config';
import { WorkbenchError } from '../../src/core/errors';
import { extractZip } from '../../src/core/zip/read-zip';
import { startEmulator } from './emulator-harness';
import { startMotoGaps, zipOf } from '../support/moto-account.mjs';
import { createLambdaRole, createLimitedUser, motoCredentials, startMoto } from '../support/moto.mjs';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const scratch = mkdtempSync(join(tmpdir(), 'lwb-deploy-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// A copy of the fixture, so tests can edit the handler and deploy a change.
const project = join(scratch, 'project');
cpSync(resolve(__dirname, '../fixtures/deploy'), project, { recursive: true });
const template = join(project, 'template.yaml');

function functionOf(id: string): FunctionConfig {
  const found = readTemplate(template).find((f) => f.logicalId === id);
  assert.ok(found, `${id} is in the template`);
  return found.config;
}

/** Changes the handler's code, so the next package differs. */
function editHandler(marker: string): void {
  writeFileSync(
    join(project, 'src/lib/shout.ts'),
    `export const shout = (text: string): string => \`\${text.toUpperCase()}${marker}\`;\n`,
  );
}

describe('deploy against moto', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let gaps: Awaited<ReturnType<typeof startMotoGaps>>;
  let client: LambdaClient;
  let admin: LambdaClient;
  const region = 'us-east-1';
  const connection = (): AwsConnection => ({ region, endpointUrl: gaps.url });
  /** The requests the proxy saw from `from` on, as "METHOD /path". */
  const requestsSince = (from: number) => gaps.log.slice(from).map((r) => `${r.method} ${r.path.split('?')[0] ?? ''}`);
  const codeUpdates = (from: number) => requestsSince(from).filter((r) => /^PUT \/2015-03-31\/functions\/[^/]+\/code$/.test(r));

  before(async () => {
    moto = await startMoto();
    gaps = await startMotoGaps(moto.url);
    process.env['AWS_ACCESS_KEY_ID'] = motoCredentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = motoCredentials.secretAccessKey;
    admin = new LambdaClient({ region, endpoint: gaps.url, credentials: motoCredentials });
    const role = await createLambdaRole(moto.url);
    const create = (name: string, runtime: string, handler: string, code: Record<string, string>) =>
      admin.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: runtime as 'nodejs20.x',
          Role: role,
          Handler: handler,
          Code: { ZipFile: zipOf(code) },
        }),
      );
    await create('greet-function', 'nodejs20.x', 'src/handler.handler', {
      'src/handler.js': 'exports.handler = async () => "old";\n',
    });
    await create('py-function', 'python3.12', 'app.handler', { 'app.py': 'def handler(event, context):\n    return "old"\n' });
    await create('node18-function', 'nodejs18.x', 'src/esm-handler.handler', {
      'src/esm-handler.js': 'exports.handler = async () => 1;\n',
    });
    client = await createLambdaClient(connection());
  });

  after(async () => {
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    client?.destroy();
    admin?.destroy();
    await gaps?.stop();
    await moto?.stop();
  });

  test('a TypeScript handler with a local module and an npm package: moto holds the very zip built here', async () => {
    const steps: DeployStep[] = [];
    const from = gaps.log.length;
    const result = await deployLocalFunction(client, functionOf('GreetFunction'), {
      functionName: 'greet-function',
      connection: connection(),
      onProgress: ({ step }) => steps.push(step),
    });
    assert.equal(result.skipped, false);
    assert.deepEqual([...new Set(steps)], ['bundling', 'zipping', 'comparing', 'uploading', 'waiting']);
    const deployed = await admin.send(new GetFunctionCommand({ FunctionName: 'greet-function' }));
    assert.equal(deployed.Configuration?.CodeSha256, result.package.codeSha256);
    assert.equal(deployed.Configuration?.CodeSha256, result.codeSha256);
    const download = Buffer.from(await (await fetch(deployed.Code?.Location ?? '')).arrayBuffer());
    assert.ok(download.equals(result.package.zip), 'the code Lambda serves is the local zip, byte for byte');
    assert.equal(codeUpdates(from).length, 1);
    assert.deepEqual(
      result.missingEnvironment,
      { NODE_OPTIONS: '--enable-source-maps' },
      'the function lacks source map support',
    );
  });

  test('the local emulator gives the same result from the deployed bundle as from the source', async () => {
    const source = functionOf('GreetFunction');
    const pkg = await buildDeploymentPackage(source);
    const unpacked = join(scratch, 'unpacked-greet');
    await extractZip(pkg.zip, unpacked);
    const local = await prepareLocalFunction(source, { buildDir: join(scratch, 'build'), watch: false });
    const harness = await startEmulator([
      { ...local.config, name: 'from-source' },
      { ...source, name: 'from-bundle', codeDir: unpacked, environment: { NODE_OPTIONS: '--enable-source-maps' } },
    ]);
    try {
      for (const event of [{ name: 'ada' }, { name: 'grace' }, { fail: true }]) {
        const fromSource = await harness.invoke('from-source', event);
        const fromBundle = await harness.invoke('from-bundle', event);
        assert.equal(fromBundle.status, fromSource.status);
        assert.equal(fromBundle.headers.get('x-amz-function-error'), fromSource.headers.get('x-amz-function-error'));
        // A stack trace names the file it maps to: the source, or its copy unpacked beside the bundle.
        assert.equal(
          fromBundle.text.replaceAll(unpacked, '<code>'),
          fromSource.text.replaceAll(project, '<code>'),
          JSON.stringify(event),
        );
      }
    } finally {
      await harness.stop();
      await local.dispose();
    }
  });

  test('a second deploy with no change uploads nothing', async () => {
    const from = gaps.log.length;
    const result = await deployLocalFunction(client, functionOf('GreetFunction'), {
      functionName: 'greet-function',
      connection: connection(),
    });
    assert.equal(result.skipped, true);
    assert.deepEqual(codeUpdates(from), []);
    assert.deepEqual(requestsSince(from), ['GET /2015-03-31/functions/greet-function']);
  });

  test('publish a version and move an alias, creating it the first time', async () => {
    editHandler('?');
    const first = await deployLocalFunction(client, functionOf('GreetFunction'), {
      functionName: 'greet-function',
      connection: connection(),
      alias: 'live',
    });
    assert.equal(first.alias, 'live');
    assert.ok(first.version !== undefined && first.version !== '$LATEST');
    let alias = await admin.send(new GetAliasCommand({ FunctionName: 'greet-function', Name: 'live' }));
    assert.equal(alias.FunctionVersion, first.version);
    editHandler('?!');
    const second = await deployLocalFunction(client, functionOf('GreetFunction'), {
      functionName: 'greet-function',
      connection: connection(),
      alias: 'live',
    });
    assert.notEqual(second.version, first.version);
    alias = await admin.send(new GetAliasCommand({ FunctionName: 'greet-function', Name: 'live' }));
    assert.equal(alias.FunctionVersion, second.version);
  });

  test('an update Lambda fails to apply is reported with its reason, and nothing after it is done', async () => {
    editHandler('!!');
    gaps.failUpdates({ reason: 'The function could not be updated: KMS key is disabled.', reasonCode: 'KMSKeyAccessDenied' });
    const from = gaps.log.length;
    try {
      const failure = await deployLocalFunction(client, functionOf('GreetFunction'), {
        functionName: 'greet-function',
        connection: connection(),
        alias: 'live',
      }).catch((error: unknown) => error);
      assert.ok(failure instanceof DeployError, String(failure));
      assert.equal(failure.step, 'waiting');
      assert.equal(failure.state.uploaded, true);
      assert.equal(failure.state.lastUpdateStatus, 'Failed');
      assert.equal(failure.state.lastUpdateStatusReasonCode, 'KMSKeyAccessDenied');
      assert.match(
        failure.message,
        /uploaded, but Lambda failed to apply it: LastUpdateStatus is Failed \(KMSKeyAccessDenied: The function could not be updated: KMS key is disabled\.\)\. No version was published and no alias was moved\./,
      );
      assert.ok(!requestsSince(from).some((r) => r.includes('/versions') || r.includes('/aliases')), 'no publish, no alias');
    } finally {
      gaps.failUpdates();
    }
  });

  test('a ResourceConflictException (an update in progress) is retried', async () => {
    editHandler('!?');
    gaps.conflict(1);
    const from = gaps.log.length;
    const result = await deployLocalFunction(client, functionOf('GreetFunction'), {
      functionName: 'greet-function',
      connection: connection(),
    });
    assert.equal(result.skipped, false);
    const updates = gaps.log.slice(from).filter((r) => r.method === 'PUT' && r.path.endsWith('/code'));
    assert.deepEqual(
      updates.map((r) => r.status),
      [409, 200],
    );
  });

  test('a package over the inline limit goes through S3', async () => {
    editHandler('!s3');
    const s3 = new S3Client({ region, endpoint: gaps.url, credentials: motoCredentials, forcePathStyle: true });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'deploy-packages' }));
      const from = gaps.log.length;
      const result = await deployLocalFunction(client, functionOf('GreetFunction'), {
        functionName: 'greet-function',
        connection: connection(),
        s3Bucket: 'deploy-packages',
        maxInlineBytes: 100,
      });
      assert.ok(requestsSince(from).some((r) => r.startsWith('PUT /deploy-packages/lambda-workbench/greet-function/')));
      const deployed = await admin.send(new GetFunctionCommand({ FunctionName: 'greet-function' }));
      assert.equal(deployed.Configuration?.CodeSha256, result.codeSha256);
      editHandler('!nos3');
      await assert.rejects(
        deployLocalFunction(client, functionOf('GreetFunction'), {
          functionName: 'greet-function',
          connection: connection(),
          maxInlineBytes: 100,
        }),
        /over the 0\.1 KB Lambda accepts in a request\. Name an S3 bucket in the same region to upload it through \(--s3-bucket\)/,
      );
    } finally {
      s3.destroy();
    }
  });

  test('a runtime mismatch is refused before anything is uploaded', async () => {
    const python = await buildDeploymentPackage(functionOf('PyFunction'));
    const newerNode = await buildDeploymentPackage(functionOf('EsmFunction'));
    const from = gaps.log.length;
    await assert.rejects(
      deployPackage(client, python, { functionName: 'greet-function', connection: connection() }),
      (error: unknown) => {
        assert.ok(error instanceof DeployError);
        assert.equal(error.state.uploaded, false);
        assert.match(
          error.message,
          /The package holds Python code, but greet-function runs nodejs20\.x\. .*Nothing was uploaded\./,
        );
        return true;
      },
    );
    await assert.rejects(
      deployPackage(client, newerNode, { functionName: 'node18-function', connection: connection() }),
      /The package was built for nodejs22\.x, but node18-function runs nodejs18\.x.*Build it for nodejs18\.x/,
    );
    assert.deepEqual(requestsSince(from), [
      'GET /2015-03-31/functions/greet-function',
      'GET /2015-03-31/functions/node18-function',
    ]);
  });

  test('a handler that the deployed function does not name is refused', async () => {
    const pkg: DeploymentPackage = await buildDeploymentPackage(
      { ...functionOf('GreetFunction'), handler: 'src/esm-handler.handler' },
      {
        entry: join(project, 'src/handler.ts'),
      },
    );
    await assert.rejects(
      deployPackage(client, pkg, { functionName: 'greet-function', connection: connection() }),
      /greet-function's handler is "src\/handler\.handler", which loads src\/handler\.js, \.mjs or \.cjs, but the package holds src\/esm-handler\.js\./,
    );
  });

  test('a function that does not exist is named, with its region and the next step', async () => {
    const failure = await deployLocalFunction(client, functionOf('GreetFunction'), {
      functionName: 'no-such-function',
      connection: connection(),
    }).catch((error: unknown) => error);
    assert.ok(failure instanceof AwsError);
    assert.equal(failure.kind, 'notFound');
    assert.match(
      failure.message,
      /There is no function "no-such-function" in default credentials in us-east-1 at http:\/\/127\.0\.0\.1:\d+, so nothing was deployed\. Create it first/,
    );
  });

  test('a handler that does not compile, and one that does not exist, stop before any request', async () => {
    const from = gaps.log.length;
    const broken = await deployLocalFunction(client, functionOf('BrokenFunction'), {
      functionName: 'greet-function',
      connection: connection(),
    }).catch((error: unknown) => error);
    assert.ok(broken instanceof BundleError);
    assert.match(broken.message, /^Bundling broken\.ts failed: .*src\/broken\.ts:4:\d+: /);
    const missing = await deployLocalFunction(client, functionOf('MissingEntryFunction'), {
      functionName: 'greet-function',
      connection: connection(),
    }).catch((error: unknown) => error);
    assert.ok(missing instanceof WorkbenchError);
    assert.match(
      missing.message,
      /names the module src\/nope, but none of src\/nope\.ts, .* exists in .*\. Check the function's Handler and CodeUri\./,
    );
    assert.equal(gaps.log.length, from);
  });

  test('cancelled before the upload: nothing changes; cancelled during it: the state is reported', async () => {
    editHandler('!cancel');
    const before = await admin.send(new GetFunctionCommand({ FunctionName: 'greet-function' }));
    const early = new AbortController();
    early.abort();
    await assert.rejects(
      deployLocalFunction(client, functionOf('GreetFunction'), {
        functionName: 'greet-function',
        connection: connection(),
        signal: early.signal,
      }),
      (error: unknown) =>
        error instanceof DeployCancelledError && !error.state.uploaded && /before anything was uploaded/.test(error.message),
    );
    const unchanged = await admin.send(new GetFunctionCommand({ FunctionName: 'greet-function' }));
    assert.equal(unchanged.Configuration?.CodeSha256, before.Configuration?.CodeSha256);

    const late = new AbortController();
    const failure = await deployLocalFunction(client, functionOf('GreetFunction'), {
      functionName: 'greet-function',
      connection: connection(),
      publish: true,
      signal: late.signal,
      onProgress: ({ step }) => {
        if (step === 'uploading') late.abort();
      },
    }).catch((error: unknown) => error);
    assert.ok(failure instanceof DeployCancelledError, String(failure));
    assert.equal(failure.state.uploaded, true);
    const now = await admin.send(new GetFunctionCommand({ FunctionName: 'greet-function' }));
    assert.equal(failure.state.codeSha256, now.Configuration?.CodeSha256);
    assert.notEqual(now.Configuration?.CodeSha256, before.Configuration?.CodeSha256, 'the upload was seen through');
    assert.match(
      failure.message,
      /cancelled after the new code was uploaded: the function has CodeSha256 \S+ \(LastUpdateStatus Successful\), and no version was published\./,
    );
  });

  describe('the command line', () => {
    /** Runs the CLI without blocking: the proxy it talks to lives in this process. */
    const runCli = (args: string[]) => {
      assert.ok(existsSync(cli), `${cli} exists; run "npm run build" first`);
      const child = spawn(process.execPath, [cli, ...args], {
        cwd: project,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: scratch,
          AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
          AWS_CONFIG_FILE: join(scratch, 'no-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });
    };

    test('deploy goes to the template’s FunctionName, then finds the function up to date', async () => {
      editHandler('!cli');
      const deployed = await runCli(['deploy', 'GreetFunction', '--endpoint-url', gaps.url, '--region', region, '--publish']);
      assert.equal(deployed.code, 0, deployed.stderr);
      assert.match(deployed.stdout, /^Deployed greet-function: CodeSha256 \S+, \d+ bytes, in \d+ ms, version \d+\.\n$/);
      assert.match(deployed.stderr, /Uploading .* to greet-function\./);
      assert.match(deployed.stderr, /note: set NODE_OPTIONS=--enable-source-maps on greet-function/);
      const again = await runCli(['deploy', 'GreetFunction', '--endpoint-url', gaps.url, '--region', region]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^greet-function is already up to date: CodeSha256 \S+; nothing was uploaded\.\n$/);
    });

    test('a Python function with --to, and bundle --out <zip> gives the CodeSha256 deploy sends', async () => {
      const bundled = await runCli(['bundle', 'PyFunction', '--out', join(scratch, 'py.zip')]);
      assert.equal(bundled.code, 0, bundled.stderr);
      const sha = /CodeSha256 (\S+)/.exec(bundled.stdout)?.[1];
      const deployed = await runCli(['deploy', 'PyFunction', '--to', 'py-function', '--endpoint-url', gaps.url]);
      assert.equal(deployed.code, 0, deployed.stderr);
      assert.match(deployed.stdout, new RegExp(`^Deployed py-function: CodeSha256 ${(sha ?? '').replace(/[+/]/g, '\\$&')},`));
    });

    test('failures exit non-zero with the reason: no mapping, no function, a mismatch', async () => {
      const unmapped = await runCli(['deploy', 'EsmFunction', '--endpoint-url', gaps.url]);
      assert.equal(unmapped.code, 2);
      assert.match(
        unmapped.stderr,
        /EsmFunction does not say which deployed function it is\. Pass --to <function name>, or give it a FunctionName in the template\./,
      );
      const missing = await runCli(['deploy', 'GreetFunction', '--to', 'nope', '--endpoint-url', gaps.url]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /There is no function "nope" in default credentials in us-east-1/);
      const mismatch = await runCli(['deploy', 'PyFunction', '--to', 'greet-function', '--endpoint-url', gaps.url]);
      assert.equal(mismatch.code, 1);
      assert.match(mismatch.stderr, /The package holds Python code, but greet-function runs nodejs20\.x/);
    });
  });
});

describe('deploy with IAM enforced by moto', () => {
  test('the missing IAM action is named, and nothing is uploaded', async () => {
    // IAM is checked after the role, the function and the two limited users are made (8 requests).
    const moto = await startMoto({ enforceIamAfter: 8 });
    const saved = { ...process.env };
    try {
      const role = await createLambdaRole(moto.url);
      const admin = new LambdaClient({ region: 'us-east-1', endpoint: moto.url, credentials: motoCredentials });
      await admin.send(
        new CreateFunctionCommand({
          FunctionName: 'greet-function',
          Runtime: 'nodejs20.x',
          Role: role,
          Handler: 'src/handler.handler',
          Code: { ZipFile: zipOf({ 'src/handler.js': 'exports.handler = async () => "old";\n' }) },
        }),
      );
      admin.destroy();
      const nobody = await createLimitedUser(moto.url, 'nobody', ['s3:ListAllMyBuckets']);
      const reader = await createLimitedUser(moto.url, 'reader', ['lambda:GetFunction']);
      const pkg = await buildDeploymentPackage(functionOf('GreetFunction'));
      const connection: AwsConnection = { region: 'us-east-1', endpointUrl: moto.url };
      const attempt = async (user: { accessKeyId: string; secretAccessKey: string }) => {
        process.env['AWS_ACCESS_KEY_ID'] = user.accessKeyId;
        process.env['AWS_SECRET_ACCESS_KEY'] = user.secretAccessKey;
        const lambda = await createLambdaClient(connection);
        try {
          return await deployPackage(lambda, pkg, { functionName: 'greet-function', connection }).catch(
            (error: unknown) => error,
          );
        } finally {
          lambda.destroy();
        }
      };
      const denied = await attempt(nobody);
      assert.ok(denied instanceof AwsError && denied.kind === 'accessDenied', String(denied));
      assert.match(denied.message, /lacks the IAM permission lambda:GetFunction\./);
      const readOnly = await attempt(reader);
      assert.ok(readOnly instanceof AwsError && readOnly.kind === 'accessDenied', String(readOnly));
      assert.match(
        readOnly.message,
        /^Updating the code of greet-function failed: .* lacks the IAM permission lambda:UpdateFunctionCode\./,
      );
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) Reflect.deleteProperty(process.env, name);
      Object.assign(process.env, saved);
      await moto.stop();
    }
  });
});

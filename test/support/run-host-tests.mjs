// Tier 3: the extension-host tests, inside the real VS Code server of code-server, with moto as
// the AWS account behind the remote commands.
// Prints each result and a count line "host: N passed, M failed"; exits non-zero on failure.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { seedAccount, startMotoGaps } from './moto-account.mjs';
import { createLambdaRole, motoCredentials, startMoto } from './moto.mjs';
import { projectRoot, runInExtensionHost } from './vscode.mjs';

/** A deployed function in moto for the remote commands to find and invoke. */
async function deployEcho(motoUrl) {
  const scratch = mkdtempSync(join(tmpdir(), 'lwb-host-zip-'));
  try {
    writeFileSync(join(scratch, 'index.js'), 'exports.handler = async (event) => event;');
    execFileSync('python3', ['-m', 'zipfile', '-c', join(scratch, 'code.zip'), join(scratch, 'index.js')]);
    const client = new LambdaClient({ endpoint: motoUrl, region: 'us-east-1', credentials: motoCredentials });
    await client.send(
      new CreateFunctionCommand({
        FunctionName: 'remote-echo',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: await createLambdaRole(motoUrl),
        Code: { ZipFile: readFileSync(join(scratch, 'code.zip')) },
      }),
    );
    client.destroy();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const workspace = mkdtempSync(join(tmpdir(), 'lwb-host-ws-'));
cpSync(join(projectRoot, 'test/fixtures/host-workspace'), workspace, { recursive: true });
mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
// The AWS files the editor reads; the profile tests write their own profiles into them.
const awsDir = mkdtempSync(join(tmpdir(), 'lwb-host-aws-'));
const moto = await startMoto();
// moto lacks ListFunctions paging and code downloads; the proxy adds them (see moto-account.mjs).
const gaps = await startMotoGaps(moto.url);
try {
  await deployEcho(gaps.url);
  // 120 functions: three pages of ListFunctions, and the featured one wired to every trigger.
  await seedAccount(gaps.url, { functions: 120 });
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(
    join(workspace, '.vscode/settings.json'),
    JSON.stringify({ 'lambdaWorkbench.aws.endpointUrl': gaps.url, 'lambdaWorkbench.aws.region': 'us-east-1' }, null, 2),
  );
  const results = await runInExtensionHost({
    testsPath: join(projectRoot, 'out/test/host/index.js'),
    workspace,
    // Credentials for moto only; the extension host passes them to the SDK's default chain.
    env: {
      AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
      AWS_CONFIG_FILE: join(awsDir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(awsDir, 'credentials'),
      LAMBDA_WB_TEST_AWS_URL: gaps.url,
    },
    logFile: join(projectRoot, 'test-results/host-server.log'),
  });
  for (const title of results.passed) console.log(`  ✔ ${title}`);
  for (const title of results.pending) console.log(`  - ${title} (pending)`);
  for (const { title, error } of results.failed) console.log(`  ✘ ${title}\n${error.replace(/^/gm, '      ')}`);
  console.log(`host: ${results.passed.length} passed, ${results.failed.length} failed, ${results.pending.length} pending`);
  if (results.failed.length > 0 || results.passed.length === 0) process.exitCode = 1;
} finally {
  await gaps.stop();
  await moto.stop();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(awsDir, { recursive: true, force: true });
}

// Bundle, zip and deploy, measured: `npm run bench:deploy [--runs 10]`. Budgets (from the issue),
// for a TypeScript handler that imports @aws-sdk/client-dynamodb and bundles it (bundleAwsSdk):
//   cold         bundle + zip, first build in a fresh process          400 ms
//   incremental  rebuild + zip after a one-line edit of the handler      60 ms
//   no-op deploy rebuild + zip + GetFunction, CodeSha256 equal (moto)   1000 ms
// Each is run --runs times; the median and the maximum are printed, and the run fails when a
// median is over its budget.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import * as esbuild from 'esbuild';
import { createLambdaRole, motoCredentials, startMoto } from '../test/support/moto.mjs';
import { projectRoot } from '../test/support/vscode.mjs';

const BUDGETS = { cold: 400, incremental: 60, noop: 1000 };
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not ${values.runs}`);

// The project lives inside the repository, so its import of the SDK resolves from node_modules.
const project = join(projectRoot, 'out/bench/deploy-project');
rmSync(project, { recursive: true, force: true });
mkdirSync(project, { recursive: true });
writeFileSync(
  join(project, 'handler.ts'),
  `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

const LABEL = 0;
const client = new DynamoDBClient({});

export const handler = async (event: { id: string }) => {
  const item = await client.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: event.id } } }));
  return { label: LABEL, item: item.Item };
};
`,
);
const host = join(projectRoot, 'out/bench/deploy-host.js');
await esbuild.build({
  entryPoints: [join(projectRoot, 'bench/deploy-host.ts')],
  outfile: host,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // esbuild runs its own binary; the AWS SDK loads from node_modules as the CLI's vendored copy would.
  external: ['esbuild', '@aws-sdk/*'],
  logLevel: 'warning',
});

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor((samples.length - 1) / 2)];
const runHost = (args) => JSON.parse(execFileSync(process.execPath, [host, ...args], { encoding: 'utf8' }));

const cold = [];
let codeSha256;
let zipBytes;
for (let run = 0; run < runs; run++) {
  const figures = runHost(['cold', project]);
  cold.push(figures.ms);
  codeSha256 ??= figures.codeSha256;
  zipBytes = figures.bytes;
  if (figures.codeSha256 !== codeSha256) throw new Error('Two cold builds gave different zips.');
}

// The no-op deploys go to a function that already holds the package the cold runs built.
const moto = await startMoto();
let warm;
try {
  const lambda = new LambdaClient({ region: 'us-east-1', endpoint: moto.url, credentials: motoCredentials });
  const role = await createLambdaRole(moto.url);
  const zip = Buffer.from(runHost(['zip', project]).zipBase64, 'base64');
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'bench-dynamodb',
      Runtime: 'nodejs22.x',
      Role: role,
      Handler: 'handler.handler',
      Code: { ZipFile: zip },
    }),
  );
  lambda.destroy();
  warm = JSON.parse(
    execFileSync(process.execPath, [host, 'warm', project, String(runs), moto.url], {
      encoding: 'utf8',
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
      },
    }),
  );
} finally {
  await moto.stop();
}

const rows = [
  ['cold bundle + zip', cold, BUDGETS.cold],
  ['incremental rebuild + zip', warm.incremental, BUDGETS.incremental],
  ['no-op deploy', warm.noop, BUDGETS.noop],
];
console.log(`Deploy benchmark: ${runs} runs each; zip of ${(zipBytes / 1024).toFixed(0)} KB (CodeSha256 ${codeSha256})`);
let over = false;
for (const [name, samples, budget] of rows) {
  const mid = median(samples);
  const max = Math.max(...samples);
  const ok = mid <= budget;
  over ||= !ok;
  console.log(
    `${name.padEnd(28)} median ${mid.toFixed(1).padStart(7)} ms   max ${max.toFixed(1).padStart(7)} ms   budget ${budget} ms   ${ok ? 'ok' : 'OVER'}`,
  );
}
rmSync(project, { recursive: true, force: true });
if (over) process.exitCode = 1;

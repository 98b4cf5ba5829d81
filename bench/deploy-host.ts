// The measured side of bench/deploy.mjs, bundled by it into out/bench/deploy-host.js and run in
// processes of its own:
//   cold <project>                       one first build (bundle + zip) in this fresh process
//   zip <project>                        the package, base64, to create the deployed function with
//   warm <project> <runs> <endpoint>     incremental builds after one-line edits, then no-op deploys
// Each prints one JSON line of figures in milliseconds.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLambdaClient } from '../src/core/aws/connection';
import { createPackageBuilder, type PackageBuilder } from '../src/core/bundle/deployment-package';
import { deployPackage } from '../src/core/deploy/deploy';
import type { FunctionConfig } from '../src/core/function-config';

const BENCH_FUNCTION = 'bench-dynamodb';

function configOf(project: string): FunctionConfig {
  return {
    name: BENCH_FUNCTION,
    runtime: 'nodejs22.x',
    handler: 'handler.handler',
    codeDir: project,
    timeoutSeconds: 3,
    memoryMB: 128,
    environment: {},
  };
}

function builderFor(project: string): PackageBuilder {
  return createPackageBuilder(configOf(project), { bundleAwsSdk: true });
}

async function cold(project: string): Promise<void> {
  const started = performance.now();
  const builder = builderFor(project);
  let pkg;
  try {
    pkg = await builder.build();
  } finally {
    await builder.dispose();
  }
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms, bytes: pkg.bytes, codeSha256: pkg.codeSha256 })}\n`);
}

async function warm(project: string, runs: number, endpointUrl: string): Promise<void> {
  const handler = join(project, 'handler.ts');
  const original = readFileSync(handler, 'utf8');
  const builder = builderFor(project);
  const incremental: number[] = [];
  try {
    await builder.build();
    for (let run = 0; run < runs; run++) {
      writeFileSync(handler, original.replace('const LABEL = 0;', `const LABEL = ${run + 1};`));
      const started = performance.now();
      await builder.build();
      incremental.push(performance.now() - started);
    }
  } finally {
    writeFileSync(handler, original);
  }
  // The function holds the current code: every deploy below finds it up to date.
  const current = await builder.build();
  const connection = { region: 'us-east-1', endpointUrl };
  const client = await createLambdaClient(connection);
  const noop: number[] = [];
  try {
    const first = await deployPackage(client, current, { functionName: BENCH_FUNCTION, connection });
    if (!first.skipped) throw new Error('The benchmark function should already hold this code.');
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const pkg = await builder.build();
      const result = await deployPackage(client, pkg, { functionName: BENCH_FUNCTION, connection });
      noop.push(performance.now() - started);
      if (!result.skipped) throw new Error('A deploy with no change uploaded code.');
    }
  } finally {
    client.destroy();
    await builder.dispose();
  }
  process.stdout.write(`${JSON.stringify({ incremental, noop })}\n`);
}

async function zip(project: string): Promise<void> {
  const builder = builderFor(project);
  try {
    process.stdout.write(`${JSON.stringify({ zipBase64: (await builder.build()).zip.toString('base64') })}\n`);
  } finally {
    await builder.dispose();
  }
}

const [mode, project = '', runs = '10', endpoint = ''] = process.argv.slice(2);
(mode === 'cold' ? cold(project) : mode === 'zip' ? zip(project) : warm(project, Number(runs), endpoint)).catch(
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

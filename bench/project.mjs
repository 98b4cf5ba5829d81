// Reading a project into the model, as `lambda-workbench project` and every CLI command do:
// `npm run bench:project [--runs 7]`. Three generated projects of the sizes real monorepos reach:
//   1. a SAM template of 500 functions with Globals, Parameters, Conditions, Mappings and
//      intrinsics (!Sub, !Ref, !GetAtt, !FindInMap, !If), each with an HttpApi route and its code;
//   2. a serverless.yml of 200 functions with variables (${self:}, ${opt:stage, 'dev'}, ${sls:stage})
//      and http, sqs and schedule events;
//   3. an AWS CDK cloud assembly of 20 stacks, 10 functions each, with asset metadata.
// For each: a fresh Node process that loads the model's bundle and reads the project (the median
// of --runs processes; goal 150 ms, load included), then the same process reading it again (warm),
// and the whole `node dist/cli.js project --json` as a user runs it (Node's own start included).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { projectRoot } from '../test/support/vscode.mjs';

const GOAL_MS = 150;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 3) throw new Error(`--runs must be an integer of at least 3, not ${values.runs}`);
const cli = join(projectRoot, 'dist/cli.js');

const scratch = mkdtempSync(join(tmpdir(), 'lwb-bench-project-'));
try {
  const bundle = await buildModelBundle(scratch);
  const projects = [
    { name: '500-function SAM template', folder: samProject(join(scratch, 'sam'), 500), functions: 500 },
    { name: '200-function serverless.yml', folder: serverlessProject(join(scratch, 'serverless'), 200), functions: 200 },
    { name: '20-stack CDK cloud assembly', folder: cdkProject(join(scratch, 'cdk'), 20, 10), functions: 200 },
  ];
  let missed = false;
  for (const project of projects) {
    const fresh = [];
    const reads = [];
    const warm = [];
    const wholeCli = [];
    for (let i = 0; i < runs; i++) {
      const run = JSON.parse(
        execFileSync(process.execPath, ['-e', driver(bundle, project.folder)], { encoding: 'utf8', cwd: project.folder }),
      );
      check(project, run.functions, run.problems);
      fresh.push(run.loadMs + run.readMs);
      reads.push(run.readMs);
      warm.push(...run.warmMs);
      const started = performance.now();
      const result = spawnSync(process.execPath, [cli, 'project', '--json'], { cwd: project.folder, encoding: 'utf8' });
      wholeCli.push(performance.now() - started);
      if (result.status !== 0) throw new Error(`project --json failed in ${project.folder}: ${result.stderr}`);
      const printed = JSON.parse(result.stdout);
      check(
        project,
        printed.functions.length,
        printed.problems.map((problem) => problem.message),
      );
    }
    const verdict = median(fresh) <= GOAL_MS ? 'within' : 'OVER';
    missed ||= verdict === 'OVER';
    console.log(
      `${project.name}: fresh process ${summary(fresh)} (loading the model ${summary(fresh.map((f, i) => f - reads[i]))}, ` +
        `reading ${summary(reads)}), ${verdict} the ${GOAL_MS} ms goal; warm ${summary(warm)}; ` +
        `"node dist/cli.js project --json" start to exit ${summary(wholeCli)}`,
    );
  }
  if (missed) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** Every project is read whole and clean: a timing of a partial read would flatter the model. */
function check(project, functions, problems) {
  if (functions !== project.functions || problems.length !== 0) {
    throw new Error(
      `${project.name}: read ${functions} functions and ${problems.length} problems, expected ${project.functions} and 0.` +
        problems.map((problem) => `\n  ${problem}`).join(''),
    );
  }
}

/** The model's reader as the CLI bundles it: readProject with the parser worker of dist/. */
async function buildModelBundle(dir) {
  const outfile = join(dir, 'model.js');
  await esbuild.build({
    stdin: {
      contents:
        "export { readProject } from './src/core/project/project';\n" +
        "export { parserInWorker } from './src/core/project/parser-worker-client';\n",
      resolveDir: projectRoot,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    logLevel: 'warning',
    outfile,
  });
  return outfile;
}

/** One fresh process: load the bundle, read the project, then read it 3 times more (warm). */
function driver(bundle, folder) {
  return `
const started = performance.now();
const model = require(${JSON.stringify(bundle)});
const loaded = performance.now();
const parser = model.parserInWorker(${JSON.stringify(join(projectRoot, 'dist/parser-worker.js'))});
(async () => {
  const read = () => model.readProject({ folder: ${JSON.stringify(folder)} }, parser);
  const first = await read();
  const readMs = performance.now() - loaded;
  const warmMs = [];
  for (let i = 0; i < 3; i++) {
    const again = performance.now();
    await read();
    warmMs.push(performance.now() - again);
  }
  await parser.close();
  process.stdout.write(JSON.stringify({
    loadMs: loaded - started, readMs, warmMs,
    functions: first.functions.length,
    problems: [...first.problems, ...first.functions.flatMap((f) => f.problems)].map((p) => p.message ?? JSON.stringify(p)),
  }));
})();`;
}

function samProject(folder, count) {
  const lines = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Transform: AWS::Serverless-2016-10-31',
    'Parameters:',
    '  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }',
    'Conditions:',
    '  IsProd: !Equals [!Ref Stage, prod]',
    'Mappings:',
    '  Sizes:',
    '    dev: { Memory: 256 }',
    '    prod: { Memory: 1024 }',
    'Globals:',
    '  Function:',
    '    Runtime: nodejs20.x',
    '    Timeout: 10',
    '    MemorySize: !FindInMap [Sizes, !Ref Stage, Memory]',
    '    Environment:',
    '      Variables:',
    '        STAGE: !Ref Stage',
    '        TABLE: !Ref Table',
    '        TABLE_ARN: !GetAtt Table.Arn',
    'Resources:',
    '  Table:',
    '    Type: AWS::DynamoDB::Table',
    "    Properties: { TableName: !Sub 'orders-${Stage}' }",
  ];
  for (let i = 0; i < count; i++) {
    const code = join(folder, 'functions', `fn${i}`);
    mkdirSync(code, { recursive: true });
    writeFileSync(join(code, 'app.js'), `exports.handler = async (event) => ({ statusCode: 200, body: 'fn${i}' });\n`);
    lines.push(
      `  Function${i}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      `      CodeUri: functions/fn${i}/`,
      '      Handler: app.handler',
      `      FunctionName: !Sub '\${Stage}-fn${i}'`,
      '      Environment:',
      '        Variables:',
      `          MODE: !If [IsProd, live, test]`,
      `          NAME: !Join ['-', [fn, '${i}', !Ref AWS::Region]]`,
      '      Events:',
      '        Get:',
      '          Type: HttpApi',
      `          Properties: { Path: '/items${i}/{id}', Method: get }`,
    );
  }
  writeFileSync(join(folder, 'template.yaml'), `${lines.join('\n')}\n`);
  return folder;
}

function serverlessProject(folder, count) {
  mkdirSync(join(folder, 'src/handlers'), { recursive: true });
  const lines = [
    'service: orders',
    "frameworkVersion: '3'",
    'custom:',
    '  tableName: orders-${sls:stage}',
    'provider:',
    '  name: aws',
    '  runtime: nodejs20.x',
    "  stage: ${opt:stage, 'dev'}",
    '  memorySize: 512',
    '  environment:',
    '    TABLE: ${self:custom.tableName}',
    'functions:',
  ];
  for (let i = 0; i < count; i++) {
    writeFileSync(join(folder, 'src/handlers', `fn${i}.js`), `module.exports.handler = async () => ({ fn: ${i} });\n`);
    lines.push(
      `  fn${i}:`,
      `    handler: src/handlers/fn${i}.handler`,
      '    environment:',
      `      NAME: fn${i}-\${sls:stage}`,
      '    events:',
      `      - http: { method: get, path: 'items${i}/{id}' }`,
      `      - sqs: arn:aws:sqs:us-east-1:123456789012:queue${i}`,
      '      - schedule: rate(5 minutes)',
    );
  }
  writeFileSync(join(folder, 'serverless.yml'), `${lines.join('\n')}\n`);
  return folder;
}

function cdkProject(folder, stacks, perStack) {
  const out = join(folder, 'cdk.out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(folder, 'cdk.json'), JSON.stringify({ app: 'node bin/app.js' }));
  const artifacts = {};
  for (let s = 0; s < stacks; s++) {
    const resources = {};
    for (let f = 0; f < perStack; f++) {
      const asset = `asset.${s.toString(16).padStart(4, '0')}${f.toString(16).padStart(4, '0')}${'a'.repeat(56)}`;
      mkdirSync(join(out, asset), { recursive: true });
      writeFileSync(join(out, asset, 'index.js'), `exports.handler = async () => ({ stack: ${s}, fn: ${f} });\n`);
      resources[`Fn${f}ServiceRole`] = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
      resources[`Fn${f}`] = {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Code: {
            S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
            S3Key: `${asset.slice(6)}.zip`,
          },
          Handler: 'index.handler',
          Runtime: 'nodejs20.x',
          Role: { 'Fn::GetAtt': [`Fn${f}ServiceRole`, 'Arn'] },
          Environment: { Variables: { STACK: `Stack${s}` } },
        },
        Metadata: { 'aws:cdk:path': `Stack${s}/Fn${f}/Resource`, 'aws:asset:path': asset, 'aws:asset:property': 'Code' },
      };
    }
    writeFileSync(join(out, `Stack${s}.template.json`), JSON.stringify({ Resources: resources }, null, 1));
    artifacts[`Stack${s}`] = {
      type: 'aws:cloudformation:stack',
      environment: 'aws://unknown-account/unknown-region',
      properties: { templateFile: `Stack${s}.template.json` },
    };
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts }, null, 1));
  return folder;
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function summary(samples) {
  return `median ${median(samples).toFixed(0)} ms (min ${Math.min(...samples).toFixed(0)}, max ${Math.max(...samples).toFixed(0)})`;
}

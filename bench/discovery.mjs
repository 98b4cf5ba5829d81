// Handler discovery on a generated workspace of 2,000 source files: `npm run bench:discovery [--runs 7]`.
// 1. discoverWorkspace cold: a fresh Node process each run, timed from before the discovery bundle
//    (with the TypeScript compiler in it, as dist/discovery-worker.js ships it) is loaded to the result.
// 2. discoverWorkspace warm: again in a process that has run it once.
// 3. findHandlersInText on one 2,000-line TypeScript file, as CodeLens asks for an open document.
// Budgets: 1 s for each discovery, cold or warm; 50 ms for one file.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { projectRoot } from '../test/support/vscode.mjs';

const DISCOVERY_BUDGET_MS = 1000;
const FILE_BUDGET_MS = 50;
const SOURCE_FILES = 2000;
const FILE_RUNS = 20;
/** An hour ago: the workspace looks checked out earlier, not written during the measurement. */
const CHECKED_OUT = new Date(Date.now() - 3600_000);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 5) throw new Error(`--runs must be an integer of at least 5, not ${values.runs}`);

const scratch = mkdtempSync(join(tmpdir(), 'lwb-bench-discovery-'));
try {
  const bundle = join(scratch, 'discovery.cjs');
  // Built as the extension builds its worker: one CommonJS file with its dependencies in it.
  await esbuild.build({
    entryPoints: [join(projectRoot, 'src/core/discovery/workspace.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // As esbuild.mjs builds dist/discovery-worker.js for the package: no mangled names.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  const workspace = join(scratch, 'workspace');
  const expected = generateWorkspace(workspace);
  const options = { defaultNodeRuntime: 'nodejs22.x' };

  // A fresh process each run. Without a cache file every code file is parsed, as on the first scan
  // of a workspace; with one (left by an earlier process) only changed files are.
  const cacheFile = join(scratch, 'discovery-cache.json');
  const firstScan = [];
  const cold = [];
  for (let i = 0; i < runs; i++) {
    rmSync(cacheFile, { force: true });
    firstScan.push(coldRun(bundle, workspace, options, expected, `first scan ${i + 1}, no cache`));
  }
  coldRun(bundle, workspace, { ...options, cacheFile }, expected, 'filling the cache');
  for (let i = 0; i < runs; i++) {
    cold.push(coldRun(bundle, workspace, { ...options, cacheFile }, expected, `cold run ${i + 1}, cache file`));
  }

  // The worker's life: it scanned once, then scans again after a few files changed.
  const discovery = createRequire(import.meta.url)(bundle);
  await discovery.discoverWorkspace(workspace, options);
  const warm = [];
  for (let i = 0; i < runs; i++) {
    for (const file of expected.handlerFiles.slice(i * 5, i * 5 + 5)) appendFileSync(file, `// edit ${i}\n`);
    const started = performance.now();
    const result = await discovery.discoverWorkspace(workspace, options);
    warm.push(performance.now() - started);
    check(result.functions.length, result.problems.length, expected);
  }

  // CodeLens for an open document: the worker has discovered the workspace (above) and answered
  // for other documents before; the first long file a process parses also pays for the JIT.
  const firstLongFile = timed(() => discovery.findHandlersInText(join(workspace, 'open/first.ts'), bigTypeScriptFile(2000, 7)));
  for (let seed = 8; seed < 11; seed++)
    discovery.findHandlersInText(join(workspace, `open/other-${seed}.ts`), bigTypeScriptFile(2000, seed));
  const bigFile = join(workspace, 'open', 'routes.ts');
  const bigText = bigTypeScriptFile(2000, 1);
  const perFile = [];
  let handlersInBigFile = 0;
  for (let i = 0; i < FILE_RUNS; i++) {
    perFile.push(timed(() => (handlersInBigFile = discovery.findHandlersInText(bigFile, bigText).length)));
  }
  if (handlersInBigFile !== 2) throw new Error(`Expected 2 handlers in the 2,000-line file, found ${handlersInBigFile}.`);

  console.log(
    `discoverWorkspace, ${SOURCE_FILES} source files (${expected.functions} functions; node_modules skipped), budget ${DISCOVERY_BUDGET_MS} ms:\n` +
      `  cold, first scan (fresh process, no cache): ${summary(firstScan)} over ${runs} runs\n` +
      `  cold (fresh process, cache file of an earlier process): ${summary(cold)} over ${runs} runs\n` +
      `  warm (same process, 5 files changed before each scan): ${summary(warm)} over ${runs} runs`,
  );
  console.log(
    `findHandlersInText, one ${bigText.split('\n').length}-line TypeScript file: ${summary(perFile)} over ${FILE_RUNS} runs (budget ${FILE_BUDGET_MS} ms); ` +
      `the first such file this process parsed: ${firstLongFile.toFixed(1)} ms`,
  );
  if (Math.max(...firstScan, ...cold, ...warm) > DISCOVERY_BUDGET_MS || Math.max(...perFile) > FILE_BUDGET_MS) {
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** One discovery in a new Node process, from loading the bundle to the result; returns the total ms. */
function coldRun(bundle, workspace, options, expected, label) {
  const output = execFileSync(process.execPath, ['-e', coldScript(bundle, workspace, options)], { encoding: 'utf8' });
  const run = JSON.parse(output);
  check(run.functions, run.problems, expected);
  console.log(
    `${label}: ${run.totalMs.toFixed(0)} ms (loading the bundle ${run.loadMs.toFixed(0)} ms, discovery ${run.discoveryMs.toFixed(0)} ms)`,
  );
  return run.totalMs;
}

function coldScript(bundle, workspace, options) {
  return `
    const started = performance.now();
    const discovery = require(${JSON.stringify(bundle)});
    const loaded = performance.now();
    discovery.discoverWorkspace(${JSON.stringify(workspace)}, ${JSON.stringify(options)}).then((result) => {
      const done = performance.now();
      console.log(JSON.stringify({
        loadMs: loaded - started, discoveryMs: done - loaded, totalMs: done - started,
        functions: result.functions.length, problems: result.problems.length, filesScanned: result.filesScanned,
      }));
    });`;
}

function check(functions, problems, expected) {
  if (functions !== expected.functions || problems !== 0) {
    throw new Error(`Expected ${expected.functions} functions and no problems, found ${functions} and ${problems} problems.`);
  }
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
}

// ---------------------------------------------------------------------------------------------
// The generated workspace: four services with a SAM template each and one with a serverless.yml,
// shared libraries, tests, Python jobs, docs and config, and a node_modules that must be skipped.
// ---------------------------------------------------------------------------------------------

/** A small deterministic generator, so every run measures the same workspace. */
function random(seed) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  utimesSync(path, CHECKED_OUT, CHECKED_OUT);
}

function generateWorkspace(root) {
  const next = random(42);
  const pick = (list) => list[Math.floor(next() * list.length)];
  let sourceFiles = 0;
  let functions = 0;
  const handlerFiles = [];
  const services = ['orders', 'users', 'billing', 'catalog', 'shipping'];
  write(join(root, 'package.json'), JSON.stringify({ name: 'monorepo', private: true, workspaces: ['services/*'] }, null, 2));

  for (const [index, service] of services.entries()) {
    const dir = join(root, 'services', service);
    write(join(dir, 'package.json'), JSON.stringify({ name: service, type: 'module' }, null, 2));
    const described = [];
    // 280 TypeScript or JavaScript files per service (1,400 in all), one in five a handler.
    for (let i = 0; i < 280; i++) {
      const lines = 50 + Math.floor(next() * 150);
      const typescript = next() < 0.75;
      const ext = typescript ? 'ts' : pick(['js', 'mjs', 'cjs']);
      const kind = i % 5 === 0 ? 'handler' : i % 14 === 1 ? 'test' : 'module';
      const name = `${pick(['create', 'update', 'list', 'get', 'sync', 'notify', 'audit'])}-${service}-${i}`;
      if (kind === 'handler') {
        const file = `src/handlers/${name}.${ext}`;
        write(join(dir, file), nodeSource(lines, typescript, ext === 'cjs' ? 'cjs' : 'handler', next));
        handlerFiles.push(join(dir, file));
        if (described.length < 12 && ext !== 'cjs')
          described.push({ id: `${name.replace(/-/g, '')}Fn`, handler: `src/handlers/${name}.handler` });
        functions++;
      } else if (kind === 'test') {
        write(join(dir, `src/${name}.test.${ext}`), nodeSource(lines, typescript, 'handler', next));
      } else {
        // One library module in four has a `context` parameter; half of those also a `catch (e)`, an
        // `e` after a parenthesis that the text search before parsing must not take for an event parameter.
        const kind = i % 8 === 2 ? 'lookalike-catch' : i % 8 === 6 ? 'lookalike' : 'module';
        write(join(dir, `src/lib/${name}.${ext}`), nodeSource(lines, typescript, kind, next));
      }
      sourceFiles++;
    }
    if (index < 4) {
      write(join(dir, 'template.yaml'), samTemplate(described));
    } else {
      write(join(dir, 'serverless.yml'), serverlessFile(service, described));
    }
  }

  // 400 Python files: jobs, one in four a handler, and their tests.
  for (let i = 0; i < 400; i++) {
    const lines = 40 + Math.floor(next() * 120);
    const test = i % 10 === 9;
    const handler = !test && i % 4 === 0;
    const path = join(root, 'jobs', `job_${Math.floor(i / 40)}`, test ? `test_task_${i}.py` : `task_${i}.py`);
    write(path, pythonSource(lines, handler, i % 4 === 1));
    if (handler) functions++;
    sourceFiles++;
  }

  // 200 other files: docs, configuration, fixtures.
  for (let i = 0; i < 200; i++) {
    const path = join(root, 'docs', `section-${Math.floor(i / 20)}`, i % 2 === 0 ? `page-${i}.md` : `config-${i}.json`);
    write(path, i % 2 === 0 ? `# Page ${i}\n\nexport handler(event, context) as described.\n`.repeat(20) : `{"key": ${i}}\n`);
    sourceFiles++;
  }

  // Installed packages and build output: full of handler-like code that discovery must not read.
  for (let i = 0; i < 1500; i++) {
    write(join(root, 'node_modules', `pkg-${Math.floor(i / 10)}`, `lib/index-${i}.js`), nodeSource(60, false, 'cjs', next));
  }
  for (let i = 0; i < 200; i++) {
    write(join(root, 'services/orders/.aws-sam/build', `Fn${i}`, 'app.mjs'), nodeSource(60, false, 'handler', next));
    write(join(root, 'services/users/dist', `app-${i}.js`), nodeSource(60, false, 'handler', next));
  }
  if (sourceFiles !== SOURCE_FILES) throw new Error(`The generator made ${sourceFiles} source files, not ${SOURCE_FILES}.`);
  return { functions, handlerFiles };
}

function samTemplate(functions) {
  const resources = functions
    .map(
      ({ id, handler }) => `  ${id}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: ${handler}
      Events:
        Api:
          Type: Api
          Properties:
            Path: /${id.toLowerCase()}
            Method: get
    Metadata:
      BuildMethod: esbuild
`,
    )
    .join('\n');
  return `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs22.x
    Timeout: 10
    Environment:
      Variables:
        TABLE: !Ref Table
Resources:
  Table:
    Type: AWS::DynamoDB::Table
${resources}`;
}

function serverlessFile(service, functions) {
  const entries = functions
    .map(({ id, handler }) => `  ${id}:\n    handler: ${handler}\n    events:\n      - httpApi: 'GET /${id}'\n`)
    .join('');
  return `service: ${service}\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  stage: \${opt:stage, 'dev'}\nfunctions:\n${entries}`;
}

/** Plausible application code: types, helpers, a class, comments; a handler at the end when asked. */
function nodeSource(lines, typescript, kind, next) {
  const t = (annotation) => (typescript ? annotation : '');
  const lambdaTypes = typescript && kind === 'handler';
  const out = [
    kind === 'cjs' ? "'use strict';" : lambdaTypes ? "import type { APIGatewayProxyEvent, Context } from 'aws-lambda';" : '',
    kind === 'cjs' ? "const { format } = require('node:util');" : "import { format } from 'node:util';",
    '',
  ];
  let n = 0;
  while (out.length < lines - 8) {
    n++;
    const block = Math.floor(next() * 6);
    if (block === 0 && typescript) {
      out.push(`interface Record${n} {`, '  id: string;', '  amount: number;', '  tags: string[];', '}', '');
    } else if (block === 1) {
      out.push(
        `// Totals are computed in cents so that rounding happens once, at display.`,
        `${kind === 'cjs' ? '' : 'export '}function total${n}(items${t(': { amount: number }[]')})${t(': number')} {`,
        '  let sum = 0;',
        '  for (const item of items) sum += Math.round(item.amount * 100);',
        '  return sum / 100;',
        '}',
        '',
      );
    } else if (block === 2) {
      out.push(
        `class Repository${n} {`,
        `  constructor(${typescript ? 'private readonly ' : ''}table${t(': string')}) {${typescript ? '' : ' this.table = table;'}}`,
        `  async find(id${t(': string')}) {`,
        "    return { table: this.table, id, label: format('%s/%s', this.table, id) };",
        '  }',
        '}',
        '',
      );
    } else if (block === 3) {
      out.push(
        `${kind === 'cjs' ? '' : 'export '}function lookup${n}${t('<T extends { id?: string }>')}(items${t(': T[]')}, id${t('?: string')}) {`,
        `  const found = items.find((item) => item?.id === (id ?? '').trim());`,
        `  return found ? \`\${found.id}:\${items.length > 1 ? 'many' : 'one'}\` : null;`,
        '}',
        '',
      );
    } else if (block === 4) {
      out.push(
        `function status${n}(code${t(': number')})${t(': string')} {`,
        '  switch (true) {',
        "    case code >= 500: return 'error';",
        "    case code >= 400: return 'rejected';",
        "    default: return code === 204 ? 'empty' : 'ok';",
        '  }',
        '}',
        '',
      );
    } else {
      out.push(
        `const settings${n} = {`,
        `  retries: ${n % 5},`,
        `  timeoutMs: ${1000 + n},`,
        `  endpoint: 'https://example.invalid/${n}',`,
        '};',
        '',
      );
    }
  }
  if (kind === 'handler') {
    out.push(
      `export const handler = async (event${t(': APIGatewayProxyEvent')}, context${t(': Context')}) => {`,
      '  const started = Date.now();',
      '  return { statusCode: 200, body: JSON.stringify({ id: context.awsRequestId, path: event.path, started }) };',
      '};',
    );
  } else if (kind.startsWith('lookalike')) {
    out.push(
      `export function withRequestContext(request${t(': { path: string }')}, context${t(': { requestId: string }')}) {`,
      '  try {',
      '    return { path: decodeURIComponent(request.path), requestId: context.requestId };',
      kind === 'lookalike-catch' ? '  } catch (e) {' : '  } catch {',
      "    return { path: request.path, requestId: context.requestId, error: 'bad path' };",
      '  }',
      '}',
    );
  } else if (kind === 'cjs') {
    out.push('exports.handler = async (event, context) => {', '  return { id: context.awsRequestId, event };', '};');
  }
  return `${out.join('\n')}\n`;
}

function pythonSource(lines, handler, methods) {
  const out = ['"""Batch job."""', 'import json', ''];
  const method = methods ? '    def run(self, event, context):' : '    def run(self, item):';
  let n = 0;
  while (out.length < lines - 4) {
    n++;
    out.push(
      `class Task${n}:`,
      `    def __init__(self, name):`,
      '        self.name = name',
      '',
      method,
      '        return json.dumps({"name": self.name})',
      '',
      '',
      `def helper_${n}(value, factor=2):`,
      `    """Scale a value (def lambda_handler(event, context) lives elsewhere)."""`,
      '    return value * factor',
      '',
      '',
    );
  }
  if (handler) out.push('def lambda_handler(event, context):', '    return {"ok": True}');
  return `${out.join('\n')}\n`;
}

/** A long module of mixed code with two handlers at its end, as `seed` varies it. */
function bigTypeScriptFile(lines, seed) {
  const body = nodeSource(lines - 6, true, 'module', random(seed)).split('\n');
  body.push(
    'export const listHandler: APIGatewayProxyHandler = async (event) => ({ statusCode: 200, body: event.path });',
    '',
    'export async function handler(event: APIGatewayProxyEvent, context: Context) {',
    '  return { statusCode: 200, body: context.awsRequestId + event.path };',
    '}',
  );
  body[0] = "import type { APIGatewayProxyEvent, APIGatewayProxyHandler, Context } from 'aws-lambda';";
  while (body.length < lines) body.push('');
  return body.join('\n');
}

function timed(work) {
  const started = performance.now();
  work();
  return performance.now() - started;
}

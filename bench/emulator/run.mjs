// The local emulator against serverless-offline (its default mode) and lambda-local, on this
// machine, in one run: `npm run bench:emulator`. Prints a table. Every server listens on
// 127.0.0.1 and is stopped with its process group.
//
//   start to ready      spawn of the server until it answers
//   warm invoke         sequential Invoke API calls over one kept-alive connection, median
//   cold invoke         first call of a new environment, median, against `node -e` importing and calling the handler
//   throughput          Invoke API calls per second with 10 concurrent clients
//   idle environment    resident memory of an idle Node.js environment process
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startGroup } from '../../test/support/processes.mjs';

const here = import.meta.dirname;
const root = join(here, '../..');
const app = join(here, 'app');
const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '2000' },
    throughput: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '5' },
  },
});
const WARM = Number(values.warm);
const THROUGHPUT = Number(values.throughput);
const RUNS = Number(values.runs);

// ---- set-up ---------------------------------------------------------------------------------

if (!existsSync(join(here, 'node_modules/serverless-offline'))) {
  console.log('Installing the runners to compare against (serverless, serverless-offline, lambda-local)...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', here], { stdio: 'inherit' });
}
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'ignore' });
const cli = join(root, 'dist/cli.js');
const scratch = mkdtempSync(join(tmpdir(), 'lwb-bench-'));
const quietServerless = {
  ...process.env,
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  SLS_DEPRECATION_DISABLE: '*',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
};

// ---- helpers ----------------------------------------------------------------------------------

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];

function post(agent, port, path, body = '{}') {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function answers(port) {
  try {
    await post(undefined, port, '/');
    return true;
  } catch {
    return false;
  }
}

/** Starts a server and measures the time until its port answers HTTP. */
async function startTimed(command, args, port, options = {}) {
  const started = performance.now();
  const server = startGroup(command, args, options);
  let alive = true;
  void server.exited.then(() => (alive = false));
  while (!(await answers(port))) {
    if (!alive) throw new Error(`${command} ${args.join(' ')} exited before it answered.`);
    if (performance.now() - started > 60_000) throw new Error(`${command} did not answer within 60 s.`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return { server, readyMs: performance.now() - started };
}

function serveOurs(port, template = join(app, 'template.yaml')) {
  return startTimed(process.execPath, [cli, 'serve', '--template', template, '--port', String(port)], port);
}

async function serveOffline(port) {
  const httpPort = await freePort();
  return startTimed(
    join(here, 'node_modules/.bin/serverless'),
    ['offline', 'start', '--host', '127.0.0.1', '--lambdaPort', String(port), '--httpPort', String(httpPort)],
    port,
    { cwd: app, env: quietServerless },
  );
}

async function warmLatency(port, path) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 200; i++) await post(agent, port, path);
  const samples = [];
  for (let i = 0; i < WARM; i++) {
    const started = performance.now();
    const { status } = await post(agent, port, path);
    samples.push(performance.now() - started);
    if (status !== 200) throw new Error(`Invoke answered ${status}`);
  }
  agent.destroy();
  return median(samples);
}

async function throughput(port, path) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  for (let i = 0; i < 100; i++) await Promise.all(Array.from({ length: 10 }, () => post(agent, port, path)));
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (sent < THROUGHPUT) {
        sent++;
        if ((await post(agent, port, path)).status !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (failed > 0) throw new Error(`${failed} of ${THROUGHPUT} calls failed`);
  return THROUGHPUT / seconds;
}

/** Resident memory of the emulator's environment processes, in MB. */
function environmentRss() {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        if (!readFileSync(`/proc/${pid}/environ`).includes('_LAMBDA_WORKBENCH_ENVIRONMENT=')) return [];
        const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
        return [kb / 1024];
      } catch {
        return [];
      }
    });
}

// ---- measurements -------------------------------------------------------------------------------

const results = {};
const ours = '/2015-03-31/functions/trivial/invocations';
const offline = '/2015-03-31/functions/lambda-workbench-bench-dev-trivial/invocations';

// Start to ready.
for (const [name, start] of [
  ['ours', serveOurs],
  ['offline', serveOffline],
]) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const port = await freePort();
    const { server, readyMs } = await start(port);
    samples.push(readyMs);
    await server.stop();
  }
  results[`ready.${name}`] = median(samples);
}

// Warm invoke and throughput, one server each.
{
  const port = await freePort();
  const { server } = await serveOurs(port);
  results['warm.ours'] = await warmLatency(port, ours);
  results['throughput.ours'] = await throughput(port, ours);
  // Environments freeze 20 ms after their last invocation; give them that, then read their memory.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rss = environmentRss();
  results['idleRss.ours'] = Math.max(...rss);
  results['environments.ours'] = rss.length;
  await server.stop();
}
{
  const port = await freePort();
  const { server } = await serveOffline(port);
  results['warm.offline'] = await warmLatency(port, offline);
  results['throughput.offline'] = await throughput(port, offline);
  await server.stop();
}

// lambda-local runs the handler in this process; its figure is a call, not an HTTP round trip.
{
  const lambdaLocal = createRequire(join(here, 'package.json'))('lambda-local');
  lambdaLocal.setLogger({ log() {}, transports: [] });
  const options = { lambdaPath: join(app, 'handler.js'), lambdaHandler: 'handler', event: {}, verboseLevel: 0, timeoutMs: 3000 };
  for (let i = 0; i < 200; i++) await lambdaLocal.execute(options);
  const samples = [];
  for (let i = 0; i < WARM; i++) {
    const started = performance.now();
    await lambdaLocal.execute(options);
    samples.push(performance.now() - started);
  }
  results['warm.lambdaLocal'] = median(samples);
}

// Cold invoke: 30 functions on one handler, each called once, against `node -e` importing and
// calling the same handler; the two alternate, so the machine's drift weighs on both alike.
{
  const COLD = 30;
  const template = join(scratch, 'cold.yaml');
  writeFileSync(
    template,
    `Resources:\n${Array.from({ length: COLD }, (_, i) => `  cold${i}:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: ${app}, Handler: handler.handler, Runtime: nodejs20.x }\n`).join('')}`,
  );
  const port = await freePort();
  const { server } = await serveOurs(port, template);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const script = `require(${JSON.stringify(join(app, 'handler.js'))}).handler({}).then((r) => process.stdout.write(JSON.stringify(r)))`;
  const cold = [];
  const bare = [];
  for (let i = 0; i < COLD; i++) {
    let started = performance.now();
    await post(agent, port, `/2015-03-31/functions/cold${i}/invocations`);
    cold.push(performance.now() - started);
    started = performance.now();
    // Until the result is printed, not until the process has exited: the stricter baseline. The
    // same bare environment a Lambda environment gets: variables such as NODE_EXTRA_CA_CERTS
    // would otherwise slow Node's start and flatter the comparison.
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { PATH: process.env.PATH },
      });
      child.stdout.once('data', () => resolve());
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node -e exited ${code}`))));
    });
    bare.push(performance.now() - started);
    // Let the new environment settle (it freezes after 20 ms idle) before the next pair.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  agent.destroy();
  await server.stop();
  results['cold.ours'] = median(cold);
  results['cold.bareNode'] = median(bare);
}

rmSync(scratch, { recursive: true, force: true });

// ---- report -------------------------------------------------------------------------------------

const ms = (value) => `${value.toFixed(2)} ms`;
const rows = [
  [
    'start to ready (median of ' + RUNS + ')',
    ms(results['ready.ours']),
    ms(results['ready.offline']),
    '',
    'at most 300 ms',
    results['ready.ours'] <= 300,
  ],
  [
    `warm invoke, sequential (median of ${WARM})`,
    ms(results['warm.ours']),
    ms(results['warm.offline']),
    `${ms(results['warm.lambdaLocal'])} (in-process call)`,
    'no slower than serverless-offline',
    results['warm.ours'] <= results['warm.offline'],
  ],
  [
    'cold invoke (median of 30)',
    ms(results['cold.ours']),
    '',
    `bare node -e: ${ms(results['cold.bareNode'])}`,
    `at most 1.3x node -e (${(results['cold.ours'] / results['cold.bareNode']).toFixed(2)}x)`,
    results['cold.ours'] <= 1.3 * results['cold.bareNode'],
  ],
  [
    `throughput at concurrency 10 (${THROUGHPUT} calls)`,
    `${results['throughput.ours'].toFixed(0)}/s`,
    `${results['throughput.offline'].toFixed(0)}/s`,
    '',
    "at least serverless-offline's",
    results['throughput.ours'] >= results['throughput.offline'],
  ],
  [
    `idle Node.js environment RSS (max of ${results['environments.ours']})`,
    `${results['idleRss.ours'].toFixed(1)} MB`,
    '',
    '',
    'at most 60 MB',
    results['idleRss.ours'] <= 60,
  ],
];
console.log(`\nLambda Workbench emulator benchmark (${new Date().toISOString()}, Node.js ${process.version})\n`);
console.log('| measure | Lambda Workbench | serverless-offline 13.9 | other | target | met |');
console.log('|---|---|---|---|---|---|');
for (const [measure, a, b, c, target, met] of rows)
  console.log(`| ${measure} | ${a} | ${b} | ${c} | ${target} | ${met ? 'yes' : 'NO'} |`);
process.exitCode = rows.every((row) => row[5]) ? 0 : 1;

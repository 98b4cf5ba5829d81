// The local HTTP API against serverless-offline's HTTP server, one run, the same handler behind
// one HTTP API route (`npm run bench:http-api`):
//   start to first response   spawn of the server until GET /hello answers 200
//   warm GET                  sequential GETs over one kept-alive connection, median
//   throughput                GETs per second with 10 concurrent clients
// Goals (issue "Local HTTP APIs"): warm median at or below serverless-offline's, throughput at or
// above it, start to first response at most 300 ms. Every server listens on 127.0.0.1 and is
// stopped with its process group.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startGroup } from '../test/support/processes.mjs';

const here = import.meta.dirname;
const root = join(here, '..');
const peers = join(here, 'emulator');
const app = join(peers, 'http-app');
const { values } = parseArgs({
  options: { warm: { type: 'string', default: '2000' }, throughput: { type: 'string', default: '5000' } },
});
const WARM = Number(values.warm);
const THROUGHPUT = Number(values.throughput);
const START_GOAL_MS = 300;

if (!existsSync(join(peers, 'node_modules/serverless-offline'))) {
  console.log('Installing serverless and serverless-offline to compare against...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', peers], { stdio: 'inherit' });
}
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'ignore' });
const cli = join(root, 'dist/cli.js');

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];

function get(agent, port, path) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, method: 'GET', agent }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Starts a server; the time until GET /hello answers 200 with the handler's body. */
async function startTimed(command, args, port, options = {}) {
  const started = performance.now();
  const server = startGroup(command, args, options);
  let alive = true;
  void server.exited.then(() => (alive = false));
  for (;;) {
    const answer = await get(undefined, port, '/hello').catch(() => undefined);
    if (answer?.status === 200 && answer.body === 'ok') break;
    if (!alive) throw new Error(`${command} ${args.join(' ')} exited before it answered.`);
    if (performance.now() - started > 60_000) throw new Error(`${command} did not answer within 60 s.`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return { server, startMs: performance.now() - started };
}

async function warmLatency(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 200; i++) await get(agent, port, '/hello');
  const samples = [];
  for (let i = 0; i < WARM; i++) {
    const started = performance.now();
    const { status } = await get(agent, port, '/hello');
    samples.push(performance.now() - started);
    if (status !== 200) throw new Error(`GET /hello answered ${status}`);
  }
  agent.destroy();
  return median(samples);
}

async function throughput(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  for (let i = 0; i < 50; i++) await Promise.all(Array.from({ length: 10 }, () => get(agent, port, '/hello')));
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (sent < THROUGHPUT) {
        sent++;
        if ((await get(agent, port, '/hello')).status !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (failed > 0) throw new Error(`${failed} of ${THROUGHPUT} requests failed`);
  return THROUGHPUT / seconds;
}

const runners = {
  'lambda-workbench start-api': async (port) =>
    startTimed(process.execPath, [cli, 'start-api', '--config', join(app, 'serverless.yml'), '--port', String(port)], port, {
      cwd: app,
    }),
  'serverless-offline 13.9': async (port) =>
    startTimed(
      join(peers, 'node_modules/.bin/serverless'),
      ['offline', 'start', '--host', '127.0.0.1', '--httpPort', String(port), '--lambdaPort', String(await freePort())],
      port,
      {
        cwd: app,
        env: {
          ...process.env,
          SLS_TELEMETRY_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
          AWS_ACCESS_KEY_ID: 'bench',
          AWS_SECRET_ACCESS_KEY: 'bench',
        },
      },
    ),
};

const results = {};
for (const [name, start] of Object.entries(runners)) {
  const port = await freePort();
  const { server, startMs } = await start(port);
  try {
    results[name] = { startMs, warmMs: await warmLatency(port), perSecond: await throughput(port) };
  } finally {
    await server.stop();
  }
}
const ours = results['lambda-workbench start-api'];
const peer = results['serverless-offline 13.9'];
console.log('| measure | lambda-workbench start-api | serverless-offline 13.9 | goal | met |');
console.log('|---|---|---|---|---|');
console.log(
  `| start to first response | ${ours.startMs.toFixed(0)} ms | ${peer.startMs.toFixed(0)} ms | at most ${START_GOAL_MS} ms | ${ours.startMs <= START_GOAL_MS ? 'yes' : 'NO'} |`,
);
console.log(
  `| warm GET, median of ${WARM} | ${ours.warmMs.toFixed(2)} ms | ${peer.warmMs.toFixed(2)} ms | at or below serverless-offline's | ${ours.warmMs <= peer.warmMs ? 'yes' : 'NO'} |`,
);
console.log(
  `| throughput, 10 clients, ${THROUGHPUT} GETs | ${ours.perSecond.toFixed(0)}/s | ${peer.perSecond.toFixed(0)}/s | at or above serverless-offline's | ${ours.perSecond >= peer.perSecond ? 'yes' : 'NO'} |`,
);

// Probes a running `lambda-workbench serve` the way an attacker and a crash would, over real HTTP
// and with real signals, and prints what it found: `npm run probe:security` (after `npm run build`).
//   - a web page's cross-origin "simple" POST (Origin, text/plain) to the Invoke API;
//   - DNS rebinding: a foreign Host listing and invoking the functions;
//   - the same against an environment's Runtime API;
//   - loopback names on other ports (must work), malformed request targets (must be 4xx);
//   - SIGKILL of serve while environments run and others are frozen: what is left after 0.5, 1 and 2 s.
// A forged request that ran a function is detected by the file that function writes when it runs.
// Exits 1 when any probe finds a hole.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../test/support/vscode.mjs';

const cli = join(projectRoot, 'dist/cli.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing; run "npm run build" first.`);
const scratch = mkdtempSync(join(tmpdir(), 'lwb-probe-'));
const ran = join(scratch, 'ran');

writeFileSync(
  join(scratch, 'app.js'),
  `const fs = require('node:fs');
exports.touch = async (event) => { fs.appendFileSync(${JSON.stringify(ran)}, JSON.stringify(event) + '\\n'); return { runtimeApi: process.env.AWS_LAMBDA_RUNTIME_API, pid: process.pid }; };
exports.busy = async () => { await new Promise((r) => setTimeout(r, 20000)); return 'done'; };
exports.spawns = async () => { const c = require('node:child_process').spawn('sleep', ['300'], { detached: true, env: { PATH: process.env.PATH }, stdio: 'ignore' }); c.unref(); return { pid: process.pid, child: c.pid }; };
`,
);
writeFileSync(
  join(scratch, 'template.yaml'),
  `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: .
    Runtime: nodejs20.x
    Timeout: 30
Resources:
  Touch: { Type: AWS::Serverless::Function, Properties: { Handler: app.touch } }
  Busy: { Type: AWS::Serverless::Function, Properties: { Handler: app.busy } }
  Spawns: { Type: AWS::Serverless::Function, Properties: { Handler: app.spawns } }
`,
);

const findings = [];
function report(probe, expected, got, ok) {
  findings.push({ probe, expected, got, ok });
}

function send({ port, method = 'GET', path, headers = {}, body }) {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers, setHost: !('Host' in headers), agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text, headers: res.headers }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, text: error.message, headers: {} }));
    req.end(body);
  });
}

function runs() {
  return existsSync(ran) ? readFileSync(ran, 'utf8').split('\n').filter(Boolean).length : 0;
}

function alive(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Processes whose environment names this serve's instance: its environments. */
function marked(instance) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`_LAMBDA_WORKBENCH_ENVIRONMENT=${instance}/`))
        found.push(Number(entry));
    } catch {
      // Gone, or not ours.
    }
  }
  return found;
}

const instance = `probe-${process.pid}`;
const serve = spawn(
  process.execPath,
  [cli, 'serve', '--template', join(scratch, 'template.yaml'), '--port', '0', '--instance-id', instance],
  {
    cwd: scratch,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
let stderr = '';
serve.stderr.on('data', (chunk) => (stderr += chunk));
try {
  let url;
  for (let i = 0; i < 600 && url === undefined; i++) {
    url = /serving \d+ function\(s\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
    if (url === undefined) await new Promise((r) => setTimeout(r, 50));
  }
  if (url === undefined) throw new Error(`serve did not start:\n${stderr}`);
  const port = Number(new URL(url).port);
  const invoke = '/2015-03-31/functions/Touch/invocations';

  // A web page's simple cross-origin POST.
  let before = runs();
  let answer = await send({
    port,
    method: 'POST',
    path: invoke,
    headers: { Origin: 'http://evil.example', 'Content-Type': 'text/plain' },
    body: '{"from":"page"}',
  });
  report(
    'cross-origin simple POST (Origin: http://evil.example)',
    '403, function not run',
    `${answer.status}, ${runs() > before ? 'RAN' : 'not run'}`,
    answer.status === 403 && runs() === before,
  );

  // DNS rebinding.
  answer = await send({ port, path: '/', headers: { Host: `evil.example:${port}` } });
  report(
    'GET / with Host: evil.example',
    '403, no function names',
    `${answer.status}${answer.text.includes('Touch') ? ', LISTS FUNCTIONS' : ''}`,
    answer.status === 403 && !answer.text.includes('Touch'),
  );
  before = runs();
  answer = await send({ port, method: 'POST', path: invoke, headers: { Host: 'evil.example' }, body: '{"from":"rebinding"}' });
  report(
    'invoke with Host: evil.example',
    '403, function not run',
    `${answer.status}, ${runs() > before ? 'RAN' : 'not run'}`,
    answer.status === 403 && runs() === before,
  );

  // Loopback names, any port: must still work.
  for (const host of ['127.0.0.1', 'localhost:9999', '[::1]:80']) {
    answer = await send({ port, method: 'POST', path: invoke, headers: { Host: host }, body: '{"from":"loopback"}' });
    report(`invoke with Host: ${host}`, '200', String(answer.status), answer.status === 200);
  }

  // The Runtime API of the environment that just ran.
  const runtimeApi = JSON.parse(answer.text).runtimeApi;
  const runtimePort = Number(runtimeApi.split(':')[1]);
  answer = await send({ port: runtimePort, path: '/2018-06-01/runtime/invocation/next', headers: { Host: 'evil.example' } });
  report('Runtime API with Host: evil.example', '403', String(answer.status), answer.status === 403);
  answer = await send({
    port: runtimePort,
    method: 'POST',
    path: '/2018-06-01/runtime/init/error',
    headers: { Origin: 'http://evil.example', 'Content-Type': 'text/plain' },
    body: '{}',
  });
  report('Runtime API cross-origin POST', '403', String(answer.status), answer.status === 403);

  // Malformed request targets.
  answer = await send({ port, method: 'POST', path: '/2015-03-31/functions/%zz/invocations', body: '{}' });
  report('function name with broken %-encoding', '4xx', String(answer.status), answer.status >= 400 && answer.status < 500);
  answer = await send({ port, path: '//' });
  report('request target "//"', '4xx', String(answer.status), answer.status >= 400 && answer.status < 500);

  // SIGKILL under load: one environment busy, others frozen, a detached grandchild with its own variables.
  const spawned = JSON.parse(
    (await send({ port, method: 'POST', path: '/2015-03-31/functions/Spawns/invocations', body: '{}' })).text,
  );
  void send({ port, method: 'POST', path: '/2015-03-31/functions/Busy/invocations', body: '{}' });
  // Until Busy's environment runs too: three environments and the detached child.
  for (let i = 0; i < 100 && marked(instance).length < 3; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));
  const processes = [...new Set([...marked(instance), spawned.pid, spawned.child])];
  const frozen = processes.filter((pid) => /^\d+ \(.*\) T/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')));
  process.kill(-serve.pid, 'SIGKILL');
  const killedAt = performance.now();
  for (const after of [500, 1000, 2000]) {
    await new Promise((r) => setTimeout(r, after - (performance.now() - killedAt)));
    const left = processes.filter(alive);
    report(
      `SIGKILL of serve (${processes.length} processes, ${frozen.length} frozen): left after ${after} ms`,
      after === 2000 ? 'none' : '(shown)',
      left.length === 0 ? 'none' : left.join(' '),
      after < 2000 || left.length === 0,
    );
  }
} finally {
  try {
    process.kill(-serve.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  rmSync(scratch, { recursive: true, force: true });
}

const width = Math.max(...findings.map((f) => f.probe.length));
for (const f of findings)
  console.log(`${f.ok ? 'ok  ' : 'HOLE'}  ${f.probe.padEnd(width)}  expected ${f.expected}; got ${f.got}`);
const holes = findings.filter((f) => !f.ok).length;
console.log(holes === 0 ? `No hole found in ${findings.length} probes.` : `${holes} of ${findings.length} probes found a hole.`);
process.exitCode = holes === 0 ? 0 : 1;

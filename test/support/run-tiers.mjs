// `npm test`: every test tier, in order, each with its count. A tier that fails, or runs no test,
// fails the run. `npm test -- --tiers unit,integration` runs a subset (the default is all four).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { projectRoot } from './vscode.mjs';

const ALL = ['unit', 'integration', 'host', 'ui'];
const { values } = parseArgs({ options: { tiers: { type: 'string', default: ALL.join(',') } } });
const tiers = values.tiers.split(',').map((t) => t.trim());
for (const tier of tiers) if (!ALL.includes(tier)) throw new Error(`Unknown tier "${tier}"; use ${ALL.join(', ')}.`);

const node = process.execPath;
// Node 20's test runner takes files, not folders.
const testFiles = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `${dir}/${f}`);
const nodeTest = (dir) => [node, '--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...testFiles(dir)];
const steps = {
  setup: [node, 'test/support/setup.mjs'],
  build: [node, 'esbuild.mjs'],
  unit: nodeTest('test/unit'),
  integration: nodeTest('test/integration'),
  host: [node, 'test/support/run-host-tests.mjs'],
  package: [node, 'esbuild.mjs', '--package', '--target', 'linux-x64'],
  ui: nodeTest('test/ui'),
};

/** Runs a step with its output shown live; resolves to that output. */
function runStep(name) {
  const [command, ...args] = steps[name];
  console.log(`\n=== ${name}: ${[command === node ? 'node' : command, ...args].join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ ok: code === 0, output, code: code ?? signal }));
  });
}

/** Reads "passed"/"failed" counts from node:test's spec summary or the host runner's count line. */
function counts(output) {
  const host = /host: (\d+) passed, (\d+) failed/.exec(output);
  if (host) return { passed: Number(host[1]), failed: Number(host[2]) };
  const pass = /ℹ pass (\d+)/.exec(output);
  const fail = /ℹ fail (\d+)/.exec(output);
  return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
}

const summary = [];
let failed = false;
const started = Date.now();
for (const name of ['setup', 'build', ...tiers.flatMap((t) => (t === 'ui' ? ['package', 'ui'] : [t]))]) {
  const stepStarted = Date.now();
  const result = await runStep(name);
  const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
  if (!tiers.includes(name)) {
    if (!result.ok) {
      summary.push(`${name}: failed (exit ${result.code})`);
      failed = true;
      break;
    }
    continue;
  }
  const { passed, failed: failures } = counts(result.output);
  const ok = result.ok && passed > 0 && failures === 0;
  summary.push(`${name}: ${passed} passed, ${failures} failed (${seconds} s)${passed === 0 ? ' - no tests ran' : ''}`);
  failed ||= !ok;
}
for (const tier of ALL) if (!tiers.includes(tier)) summary.push(`${tier}: not run (left out by --tiers)`);
console.log(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s)\n${summary.join('\n')}`);
process.exitCode = failed ? 1 : 0;

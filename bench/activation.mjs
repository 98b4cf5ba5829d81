// Activation time of the packaged (production) build, measured inside the real VS Code extension
// host of code-server: `node bench/activation.mjs [--runs 7]`. Each run is a fresh extension host,
// so every figure is a cold activation. Budget: 50 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runInExtensionHost } from '../test/support/vscode.mjs';
import { buildWithHostModule } from './host-module.mjs';

const BUDGET_MS = 50;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });

const hostModule = await buildWithHostModule('activation-host');

// An empty workspace, so nothing activates the extension before the measurement does.
const workspace = mkdtempSync(join(tmpdir(), 'lwb-bench-ws-'));
const samples = [];
try {
  for (let i = 0; i < Number(values.runs); i++) {
    const result = await runInExtensionHost({ testsPath: hostModule, workspace });
    if (result.error) throw new Error(`The measurement failed inside the extension host:\n${result.error}`);
    if (result.wasActive) throw new Error('The extension was already active; the measurement would be empty.');
    samples.push(result.totalMs);
    console.log(
      `run ${i + 1}: Extension.activate() ${result.totalMs.toFixed(1)} ms ` +
        `(loading dist/extension.js ${result.codeLoadingMs.toFixed(1)} ms, activate() call ${result.activateCallMs.toFixed(1)} ms); ` +
        `heavy modules loaded: ${result.heavyModules.length === 0 ? 'none' : result.heavyModules.join(', ')}`,
    );
    if (result.heavyModules.length > 0) process.exitCode = 1;
  }
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
const sorted = [...samples].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const max = sorted[sorted.length - 1];
console.log(
  `activation: median ${median.toFixed(1)} ms, min ${sorted[0].toFixed(1)} ms, max ${max.toFixed(1)} ms over ${samples.length} cold starts (budget ${BUDGET_MS} ms)`,
);
if (max > BUDGET_MS) process.exitCode = 1;

// The event picker's opening time with 500 saved events in the workspace, measured inside the
// real VS Code extension host of code-server: `npm run bench:picker`. Budget: 150 ms.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, runInExtensionHost } from '../test/support/vscode.mjs';
import { buildWithHostModule } from './host-module.mjs';

const BUDGET_MS = 150;
const SAVED = 500;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });

const hostModule = await buildWithHostModule('picker-host');

const workspace = mkdtempSync(join(tmpdir(), 'lwb-bench-picker-'));
cpSync(join(projectRoot, 'test/fixtures/host-workspace'), workspace, { recursive: true });
const events = join(workspace, '.lambda/events/HelloFunction');
mkdirSync(events, { recursive: true });
for (let i = 0; i < SAVED; i++) {
  writeFileSync(
    join(events, `event-${String(i).padStart(3, '0')}.json`),
    `${JSON.stringify({ name: `user-${i}`, items: [i, i + 1], note: 'x'.repeat(200) }, null, 2)}\n`,
  );
}
try {
  const result = await runInExtensionHost({ testsPath: hostModule, workspace, env: { LAMBDA_WB_BENCH_RUNS: values.runs } });
  if (result.error) throw new Error(`The measurement failed inside the extension host:\n${result.error}`);
  const samples = result.samples;
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `event picker with ${SAVED} saved events, from the command to its items on screen: first opening ${samples[0].toFixed(1)} ms ` +
      `(loads the features and reads every file), then median ${median.toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms ` +
      `over ${samples.length} openings (budget ${BUDGET_MS} ms)`,
  );
  if (Math.max(...samples) > BUDGET_MS) process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}

// Entry point of the extension-host tests (the @vscode/test-electron contract: a module exporting
// `run()`). It runs every `*.test.js` next to it with mocha inside the real VS Code extension host
// and writes the results to the file named by LAMBDA_WB_HOST_RESULTS, which the runner reads.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface HostTestResults {
  passed: string[];
  failed: { title: string; error: string }[];
  pending: string[];
}

export async function run(): Promise<void> {
  const results: HostTestResults = { passed: [], failed: [], pending: [] };
  try {
    await runMocha(results);
  } catch (error) {
    // A harness failure must still reach the runner, which otherwise waits for its timeout.
    results.failed.push({
      title: 'extension-host test harness',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  const out = process.env['LAMBDA_WB_HOST_RESULTS'];
  if (out !== undefined) writeFileSync(out, JSON.stringify(results, null, 2));
  if (results.failed.length > 0) throw new Error(`${results.failed.length} extension-host tests failed.`);
}

async function runMocha(results: HostTestResults): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const only = process.env['LAMBDA_WB_HOST_TESTS'];
  for (const file of readdirSync(__dirname).sort()) {
    if (!file.endsWith('.test.js')) continue;
    if (only !== undefined && !only.split(',').some((name) => file.startsWith(name))) continue;
    mocha.addFile(join(__dirname, file));
  }
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => {
      resolve();
    });
    runner.on('pass', (t) => results.passed.push(t.fullTitle()));
    runner.on('fail', (t, error: Error) => results.failed.push({ title: t.fullTitle(), error: error.stack ?? String(error) }));
    runner.on('pending', (t) => results.pending.push(t.fullTitle()));
  });
}

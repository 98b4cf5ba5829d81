// Tier 2: the extension-host tests, inside the real VS Code server of code-server.
// Prints each result and a count line "host: N passed, M failed"; exits non-zero on failure.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, runInExtensionHost } from './vscode.mjs';

const workspace = mkdtempSync(join(tmpdir(), 'lwb-host-ws-'));
cpSync(join(projectRoot, 'test/fixtures/host-workspace'), workspace, { recursive: true });
mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
try {
  const results = await runInExtensionHost({
    testsPath: join(projectRoot, 'out/test/host/index.js'),
    workspace,
    logFile: join(projectRoot, 'test-results/host-server.log'),
  });
  for (const title of results.passed) console.log(`  ✔ ${title}`);
  for (const title of results.pending) console.log(`  - ${title} (pending)`);
  for (const { title, error } of results.failed) console.log(`  ✘ ${title}\n${error.replace(/^/gm, '      ')}`);
  console.log(`host: ${results.passed.length} passed, ${results.failed.length} failed, ${results.pending.length} pending`);
  if (results.failed.length > 0 || results.passed.length === 0) process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}

// `npm run test:electron`: the same extension-host suite under @vscode/test-electron, in desktop
// VS Code. It downloads VS Code on first use, so it needs internet access; on machines without it
// (like this project's CI), `npm test` runs the suite in code-server instead.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { projectRoot } from './vscode.mjs';

const workspace = mkdtempSync(join(tmpdir(), 'lwb-electron-ws-'));
cpSync(join(projectRoot, 'test/fixtures/host-workspace'), workspace, { recursive: true });
try {
  await runTests({
    extensionDevelopmentPath: projectRoot,
    extensionTestsPath: join(projectRoot, 'out/test/host/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--skip-release-notes'],
  });
} catch (error) {
  console.error(
    `The extension-host tests failed under @vscode/test-electron: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}

// Tier 3: the packaged extension, installed from its .vsix into code-server, used through Chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, packagedVsixPath, startWorkbenchServer } from '../support/vscode.mjs';
import { Workbench } from './workbench';

const vsix: string = packagedVsixPath;

describe('Lambda Workbench in VS Code (code-server + Chromium)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lwb-ui-'));
  let workspace = '';
  let server: Awaited<ReturnType<typeof startWorkbenchServer>> | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} exists; run "npm run package" first`);
    // Mostly esbuild's binary and, for handler discovery, TypeScript's parser (without the rest of the compiler).
    assert.ok(statSync(vsix).size <= 6 * 1024 * 1024, `the .vsix is at most 6 MiB (it is ${statSync(vsix).size} bytes)`);
    // No AWS files and no AWS variables: the Functions view offers to choose a profile.
    const aws = { AWS_CONFIG_FILE: join(scratch, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials') };
    server = await startWorkbenchServer({ scratch, vsix, env: aws });
    assert.match(server.installed, /was successfully installed/);
    workspace = server.workspace;
    browser = await launchChromium();
    wb = new Workbench(await browser.newPage({ viewport: { width: 1400, height: 900 } }));
    await wb.open(server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('the Lambda container shows the Functions view with its welcome content, and the Local view its functions', async () => {
    await wb.lambdaContainerIcon().waitFor({ timeout: 30_000 });
    await wb.openLambdaContainer();
    await wb.viewHeader('Local').waitFor();
    await wb.viewBody('Functions').getByText('No AWS credentials are selected').waitFor();
    await wb.viewBody('Functions').getByRole('button', { name: 'Choose AWS Profile' }).waitFor();
    await wb.viewBody('Local').locator('.monaco-list-row', { hasText: 'HelloFunction' }).waitFor({ timeout: 30_000 });
    await wb.screenshot('01-lambda-container');
  });

  test('the command palette lists the Lambda commands', async () => {
    // More commands than the palette shows at once: each is looked for by its own title.
    for (const title of [
      'Show Extension Log',
      'Choose AWS Profile...',
      'Invoke Locally...',
      'Invoke Remotely...',
      'Deploy Current Handler',
      'Debug Handler...',
      'Open Logs...',
      'Open Settings',
    ]) {
      const rows = await wb.openPalette(`Lambda: ${title}`);
      await rows
        .filter({ hasText: `Lambda: ${title}` })
        .first()
        .waitFor();
      if (title === 'Invoke Locally...') await wb.screenshot('02-palette');
    }
    await wb.page.keyboard.press('Escape');
  });

  test('bundling the open handler works with the esbuild inside the installed .vsix', async () => {
    await wb.openFile('handler.ts');
    await wb.runCommand('Lambda: Bundle Current Handler');
    await wb.notification(/Bundled HelloFunction: .+ zip .+ CodeSha256 \S+=/).waitFor({ timeout: 30_000 });
    await wb.screenshot('04-bundle-ok');
    await wb.clearNotifications();
  });

  test('a failing command shows its error with "View Logs", which opens the log', async () => {
    await wb.openFile('broken.ts');
    await wb.runCommand('Lambda: Bundle Current Handler');
    const toast = wb.notification('Bundling broken.ts failed: src/broken.ts:4:');
    await toast.waitFor({ timeout: 30_000 });
    await wb.screenshot('05-failing-command');
    await toast.getByRole('button', { name: 'View Logs' }).click();
    const panel = wb.page.locator('.part.panel');
    await panel.getByText('Lambda: Bundle Current Handler failed.').first().waitFor();
    await wb.screenshot('06-view-logs');
    await wb.clearNotifications();
  });

  test('a malformed setting is named in a warning, and the default is used', async () => {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'lambdaWorkbench.bundle.minify': 'yes' }));
    const toast = wb.notification(
      'The setting "lambdaWorkbench.bundle.minify" has the value "yes", but it must be true or false.',
    );
    await toast.waitFor({ timeout: 30_000 });
    await toast.getByRole('button', { name: 'Open Settings' }).waitFor();
    await wb.screenshot('07-malformed-setting');
  });
});

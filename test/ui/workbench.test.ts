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
    assert.ok(statSync(vsix).size <= 6 * 1024 * 1024, `the .vsix is at most 6 MB (it is ${statSync(vsix).size} bytes)`);
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

  test('the Lambda container shows the Functions and Local views with their welcome content', async () => {
    await wb.lambdaContainerIcon().waitFor({ timeout: 30_000 });
    await wb.openLambdaContainer();
    await wb.viewHeader('Local').waitFor();
    await wb.viewBody('Functions').getByText('No AWS credentials are selected').waitFor();
    await wb.viewBody('Functions').getByRole('button', { name: 'Choose AWS Profile' }).waitFor();
    await wb.viewBody('Local').getByText("Listing the workspace's handlers here is not available yet").waitFor();
    await wb.screenshot('01-lambda-container');
  });

  test('the command palette lists the Lambda commands', async () => {
    const rows = await wb.openPalette('Lambda:');
    await rows.filter({ hasText: 'Lambda: Show Extension Log' }).waitFor();
    const labels = await rows.locator('.label-name').allInnerTexts();
    for (const title of [
      'Choose AWS Profile...',
      'Invoke Locally...',
      'Invoke Remotely...',
      'Deploy Handler...',
      'Open Logs...',
      'Open Settings',
    ]) {
      assert.ok(
        labels.some((l) => l.includes(`Lambda: ${title}`)),
        `palette lists "Lambda: ${title}" among ${labels.join(' | ')}`,
      );
    }
    await wb.screenshot('02-palette');
    await wb.page.keyboard.press('Escape');
  });

  test('a command whose feature is not built yet says so instead of pretending', async () => {
    await wb.runCommand('Lambda: Deploy Handler...');
    await wb.notification('Deploying a handler is not available yet in Lambda Workbench').waitFor();
    await wb.screenshot('03-not-yet-available');
    await wb.clearNotifications();
  });

  test('bundling the open handler works with the esbuild inside the installed .vsix', async () => {
    await wb.openFile('handler.ts');
    await wb.runCommand('Lambda: Bundle Handler');
    await wb.notification(/Bundled handler\.ts into .+ with esbuild \d+\.\d+\.\d+/).waitFor({ timeout: 30_000 });
    await wb.screenshot('04-bundle-ok');
    await wb.clearNotifications();
  });

  test('a failing command shows its error with "View Logs", which opens the log', async () => {
    await wb.openFile('broken.ts');
    await wb.runCommand('Lambda: Bundle Handler');
    const toast = wb.notification('Bundling broken.ts failed: src/broken.ts:4:');
    await toast.waitFor({ timeout: 30_000 });
    await wb.screenshot('05-failing-command');
    await toast.getByRole('button', { name: 'View Logs' }).click();
    const panel = wb.page.locator('.part.panel');
    await panel.getByText('Lambda: Bundle Handler failed.').first().waitFor();
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

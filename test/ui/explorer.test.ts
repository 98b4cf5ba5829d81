// The account explorer as a developer uses it: the packaged extension in code-server, driven in
// Chromium, against moto seeded with 1,000 functions. moto does not page ListFunctions; the
// proxy of test/support/moto-account.mjs in front of it does, as Lambda does.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, FrameLocator } from 'playwright-core';
import { seedAccount, startMotoGaps } from '../support/moto-account.mjs';
import { motoCredentials, startMoto } from '../support/moto.mjs';
import { launchChromium, packagedVsixPath, startWorkbenchServer } from '../support/vscode.mjs';
import { Workbench } from './workbench';

const vsix: string = packagedVsixPath;

describe('the Functions view against an account with 1,000 functions (moto)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lwb-ui-explorer-'));
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let gaps: Awaited<ReturnType<typeof startMotoGaps>> | undefined;
  let server: Awaited<ReturnType<typeof startWorkbenchServer>> | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;

  before(async () => {
    moto = await startMoto();
    gaps = await startMotoGaps(moto.url);
    await seedAccount(gaps.url, { functions: 1000 });
    // The developer's AWS files: a profile for moto, and another, but no default profile.
    const aws = join(scratch, 'aws');
    mkdirSync(aws, { recursive: true });
    writeFileSync(
      join(aws, 'credentials'),
      `[moto-dev]\naws_access_key_id = ${motoCredentials.accessKeyId}\naws_secret_access_key = ${motoCredentials.secretAccessKey}\n`,
    );
    writeFileSync(join(aws, 'config'), '[profile moto-dev]\nregion = us-east-1\n[profile production]\nregion = eu-west-1\n');
    server = await startWorkbenchServer({
      scratch,
      vsix,
      workspaceSettings: { 'lambdaWorkbench.aws.endpointUrl': gaps.url },
      env: { AWS_CONFIG_FILE: join(aws, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials') },
    });
    browser = await launchChromium();
    wb = new Workbench(await browser.newPage({ viewport: { width: 1400, height: 1000 } }));
    await wb.open(server.url);
    await wb.lambdaContainerIcon().waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await gaps?.stop();
    await moto?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const functionsView = () => wb.viewBody('Functions');
  const row = (label: string | RegExp) => functionsView().locator('.monaco-list-row', { hasText: label }).first();

  function resultFrame(): FrameLocator {
    return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  test('pick a profile from the welcome view; the status bar and the tree follow', async () => {
    await wb.openLambdaContainer();
    await functionsView().getByText('No AWS credentials are selected').waitFor({ timeout: 30_000 });
    await functionsView().getByRole('button', { name: 'Choose AWS Profile' }).click();
    const profile = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'moto-dev' }).first();
    await profile.waitFor();
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'production' }).first().waitFor();
    await wb.screenshot('20-profile-picker');
    await profile.click();
    await wb.page.locator('.statusbar-item', { hasText: 'moto-dev · us-east-1' }).waitFor();
    await row('orders-processor')
      .waitFor({ timeout: 30_000 })
      .catch(async (error: unknown) => {
        await wb.screenshot('21-functions-missing');
        throw error;
      });
    // Every page arrives in the background; the view's description counts them.
    await wb.page
      .locator('.sidebar .pane-header', { hasText: '1000 functions · moto-dev · us-east-1' })
      .waitFor({ timeout: 30_000 });
    await wb.screenshot('21-functions');
  });

  test('expand a function: triggers, versions, aliases with weights, configuration', async () => {
    await row('orders-processor').click();
    for (const group of ['Triggers', 'Versions', 'Aliases', 'Configuration', 'Logs']) await row(group).waitFor();
    // Each group is collapsed again once read, so the next one stays on screen.
    await row('Triggers').click();
    await row(/^SQS: /).waitFor();
    await row('Function URL: https://').waitFor();
    await row('API Gateway: API').waitFor();
    await wb.screenshot('22-triggers');
    await row('Triggers').click();
    await row('Versions').click();
    await row('Version 2').waitFor();
    await row('Versions').click();
    await row('Aliases').click();
    await row('→ 2 (90%), 1 (10%)').waitFor();
    await wb.screenshot('23-aliases');
    await row('Aliases').click();
    await row('Configuration').click();
    await row('Reserved concurrency').waitFor();
    await row('Environment variables').click();
    await row('DB_PASSWORD').waitFor();
    await wb.screenshot('24-configuration');
    await row('Configuration').click();
  });

  test('invoke it remotely from its row and read the result view', async () => {
    const fn = row('orders-processor');
    await fn.hover();
    await fn.locator('.action-label[aria-label="Invoke Remotely..."]').click();
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'orders-processor' }).waitFor();
    const input = wb.page.locator('.quick-input-widget input.input');
    await input.fill('SQS');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'SQS' }).first().click();
    // The template asks for its three parameters; the suggested values do.
    const title = wb.page.locator('.quick-input-widget .quick-input-title');
    for (const step of ['(1/3)', '(2/3)', '(3/3)']) {
      await title.filter({ hasText: step }).waitFor();
      await wb.page.keyboard.press('Enter');
    }
    await wb.screenshot('25-invoking');
    const view = resultFrame();
    // moto's Lambda without Docker answers with the event it was given: an SQS batch.
    await view.locator('pre.payload', { hasText: '"Records"' }).waitFor({ timeout: 60_000 });
    await view.getByText('orders-processor').first().waitFor();
    await wb.screenshot('26-remote-result');
  });

  test('choose another region: the status bar, the tree and its empty row follow; then back', async () => {
    await wb.runCommand('Lambda: Choose AWS Region...');
    const input = wb.page.locator('.quick-input-widget input.input');
    await input.fill('eu-west-1');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Europe (Ireland)' }).first().click();
    await wb.page.locator('.statusbar-item', { hasText: 'moto-dev · eu-west-1' }).waitFor();
    await row('No functions in eu-west-1').waitFor({ timeout: 30_000 });
    await wb.screenshot('27-other-region');
    await wb.runCommand('Lambda: Choose AWS Region...');
    await input.fill('us-east-1');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'US East (N. Virginia)' }).first().click();
    await row('orders-processor').waitFor({ timeout: 30_000 });
  });
});

// The log panel as a developer uses it: invoke a function locally and in the account (moto), open
// its logs from the result view, and read both invocations grouped with their REPORT chips; then
// filter by level. moto's Lambda without Docker runs nothing and writes no CloudWatch logs, so the
// test writes the lines Lambda would have written for the remote invocation with PutLogEvents.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Browser, FrameLocator } from 'playwright-core';
import { zipOf } from '../support/moto-account.mjs';
import { createLambdaRole, motoCredentials, motoEditorEnv, startMoto } from '../support/moto.mjs';
import { launchChromium, packagedVsixPath, startWorkbenchServer } from '../support/vscode.mjs';
import { Workbench } from './workbench';

const vsix: string = packagedVsixPath;
const FUNCTION = 'HelloFunction';

describe('the log panel: local and remote invocations of one function', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lwb-ui-logs-'));
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let server: Awaited<ReturnType<typeof startWorkbenchServer>> | undefined;
  let browser: Browser | undefined;
  let logs: CloudWatchLogsClient | undefined;
  let wb: Workbench;

  before(async () => {
    moto = await startMoto();
    // The same function deployed (to moto) as the workspace's template describes locally.
    const lambda = new LambdaClient({ endpoint: moto.url, region: 'us-east-1', credentials: motoCredentials });
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: FUNCTION,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: await createLambdaRole(moto.url),
        Code: { ZipFile: zipOf({ 'index.mjs': 'export const handler = async (event) => event;' }) },
      }),
    );
    lambda.destroy();
    logs = new CloudWatchLogsClient({ endpoint: moto.url, region: 'us-east-1', credentials: motoCredentials });
    server = await startWorkbenchServer({
      scratch,
      vsix,
      workspaceSettings: { 'lambdaWorkbench.aws.endpointUrl': moto.url, 'lambdaWorkbench.aws.region': 'us-east-1' },
      env: motoEditorEnv(scratch),
    });
    browser = await launchChromium();
    wb = new Workbench(await browser.newPage({ viewport: { width: 1400, height: 1000 } }));
    await wb.open(server.url);
    await wb.lambdaContainerIcon().waitFor({ timeout: 30_000 });
  });

  after(async () => {
    logs?.destroy();
    await browser?.close();
    await server?.stop();
    await moto?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The webview whose page has `selector`, among the open ones (result view, log panel). */
  async function webview(selector: string): Promise<FrameLocator> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const frames = wb.page.locator('iframe.webview.ready');
      const count = await frames.count();
      for (let i = 0; i < count; i++) {
        const frame = frames.nth(i).contentFrame().frameLocator('iframe#active-frame');
        if ((await frame.locator(selector).count()) > 0) return frame;
      }
      await wb.page.waitForTimeout(100);
    }
    throw new Error(`no webview shows ${selector}`);
  }

  /**
   * Runs the command, picks the function in its picker, then the empty event. Each click waits for
   * its picker's title: the quick input's list keeps the previous picker's rows for a moment, and a
   * click on one of those picks nothing.
   */
  async function pickTemplateAndInvoke(command: string, where: 'local' | 'remote'): Promise<void> {
    await wb.runCommand(command);
    const title = (text: RegExp) => wb.page.locator('.quick-input-widget .quick-input-title', { hasText: text });
    await title(where === 'local' ? /^Invoke locally$/ : /^Invoke remotely \(us-east-1\)$/)
      .waitFor()
      .catch(async (error: unknown) => {
        await wb.screenshot(`31-logs-${where}-no-function-picker`);
        throw error;
      });
    const input = wb.page.locator('.quick-input-widget input.input');
    await wb.page
      .locator('.quick-input-list .monaco-list-row', { hasText: FUNCTION })
      .first()
      .click()
      .catch(async (error: unknown) => {
        await wb.screenshot(`31-logs-${where}-no-function-row`);
        throw error;
      });
    await title(new RegExp(`^Event for ${FUNCTION}${where === 'local' ? ' \\(local\\)' : ''}$`))
      .waitFor()
      .catch(async (error: unknown) => {
        await wb.screenshot(`31-logs-${where}-no-event-picker`);
        throw error;
      });
    await input.fill('Empty event');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Empty event' }).first().click();
  }

  test('a local invocation shows in the panel opened from the result view, grouped with its REPORT chip', async () => {
    await pickTemplateAndInvoke('Lambda: Invoke Locally...', 'local');
    const result = await webview('pre.payload');
    await result.locator('pre.payload', { hasText: 'hello, world' }).waitFor({ timeout: 60_000 });
    await result.getByRole('button', { name: 'Show logs' }).click();
    const panel = await webview('#rows');
    // The deployed function was never invoked: its log group does not exist yet, and the panel waits for it.
    await panel
      .locator('#status-text', { hasText: 'No logs yet: /aws/lambda/HelloFunction appears when' })
      .waitFor({ timeout: 30_000 });
    await panel
      .locator('.row.group', { hasText: 'local' })
      .locator('.chip', { hasText: /ms · \d+\/\d+ MB · cold start/ })
      .waitFor({ timeout: 30_000 })
      .catch(async (error: unknown) => {
        await wb.screenshot('30-logs-local-missing');
        throw error;
      });
    await panel.locator('.row.record', { hasText: 'greeting world' }).waitFor();
    await wb.screenshot('30-logs-local');
  });

  test('a remote invocation (moto) joins it, with its own chip, tagged cloud', async () => {
    await pickTemplateAndInvoke('Lambda: Invoke Remotely...', 'remote');
    const requestId = randomUUID();
    const now = Date.now();
    // What Lambda writes for an invocation; moto's Lambda writes nothing.
    const lines = [
      `START RequestId: ${requestId} Version: $LATEST`,
      `${new Date(now + 1).toISOString()}\t${requestId}\tERROR\tpayment declined for order 7`,
      `END RequestId: ${requestId}`,
      `REPORT RequestId: ${requestId}\tDuration: 41.20 ms\tBilled Duration: 42 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t`,
    ];
    const group = `/aws/lambda/${FUNCTION}`;
    await logs?.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs?.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: '2026/11/22/[$LATEST]abc' }));
    await logs?.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: '2026/11/22/[$LATEST]abc',
        logEvents: lines.map((message, i) => ({ timestamp: now + i, message })),
      }),
    );
    await wb.runCommand(`Lambda: Open Logs...`);
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: FUNCTION }).first().click();
    const panel = await webview('#rows');
    await panel
      .locator('.row.group', { hasText: 'cloud' })
      .locator('.chip', { hasText: '41.2 ms · 71/128 MB · error' })
      .waitFor({ timeout: 30_000 });
    await panel.locator('.row.group', { hasText: 'local' }).waitFor();
    await wb.screenshot('31-logs-both');
  });

  test('filtering by level keeps the invocation with an error, and its error line', async () => {
    const panel = await webview('#rows');
    await panel.locator('#level').selectOption('ERROR');
    await panel.locator('.row.record', { hasText: 'payment declined for order 7' }).waitFor();
    await panel.locator('.row.group', { hasText: 'local' }).waitFor({ state: 'detached' });
    await panel.locator('.row.record', { hasText: 'greeting world' }).waitFor({ state: 'detached' });
    await wb.screenshot('32-logs-error-filter');
    await panel.locator('#level').selectOption('');
    await panel.locator('.row.record', { hasText: 'greeting world' }).waitFor();
  });
});

// Handlers as a person meets them: the Local view lists the workspace's functions; above the
// handler in the editor, "Invoke locally" runs it in the emulator and "Debug" stops on a
// breakpoint set in the TypeScript source, with the call stack shown, then finishes the invoke.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, FrameLocator } from 'playwright-core';
import { launchChromium, packagedVsixPath, startWorkbenchServer } from '../support/vscode.mjs';
import { Workbench } from './workbench';

const vsix: string = packagedVsixPath;

describe('handlers: the Local view, CodeLens, invoke and debug', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lwb-ui-handlers-'));
  let server: Awaited<ReturnType<typeof startWorkbenchServer>> | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} exists; run "npm run package" first`);
    server = await startWorkbenchServer({ scratch, vsix });
    browser = await launchChromium();
    wb = new Workbench(await browser.newPage({ viewport: { width: 1400, height: 900 } }));
    await wb.open(server.url);
    await wb.lambdaContainerIcon().waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  function resultFrame(): FrameLocator {
    return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  /** A lens by its whole title (a substring would also match "Invoke hello-deployed" for "Deploy"). */
  function lens(title: string) {
    const exact = new RegExp(`^\\s*${title}\\s*$`);
    return wb.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: exact }).first();
  }

  /** In the open event picker: the empty event. */
  async function pickEmptyEvent(): Promise<void> {
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Event for HelloFunction' }).waitFor();
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Empty event' }).first().click();
  }

  test('the Local view groups the functions by what describes them', async () => {
    await wb.openLambdaContainer();
    const local = wb.viewBody('Local');
    await local.locator('.monaco-list-row', { hasText: 'SAM templates' }).waitFor({ timeout: 60_000 });
    await local.locator('.monaco-list-row', { hasText: 'HelloFunction' }).waitFor();
    // broken.ts is not in the template: it is listed as handler code, with the default runtime.
    await local.locator('.monaco-list-row', { hasText: 'Handler code' }).waitFor();
    await local.locator('.monaco-list-row', { hasText: /broken\s*nodejs22\.x/ }).waitFor();
    await wb.screenshot('40-local-view');
  });

  test('"Invoke locally" above the handler invokes it and shows the result', async () => {
    await wb.openFile('handler.ts');
    await lens('Invoke locally').waitFor({ timeout: 60_000 });
    await lens('Debug').waitFor();
    await lens('Deploy').waitFor();
    await wb.screenshot('41-codelens');
    await lens('Invoke locally').click();
    await pickEmptyEvent();
    const view = resultFrame();
    await view.locator('pre.payload', { hasText: 'hello, world' }).waitFor({ timeout: 60_000 });
    await view.locator('.status.ok', { hasText: 'Succeeded' }).waitFor();
  });

  test('"Debug" stops on a breakpoint in the TypeScript source, then the invoke completes', async () => {
    await wb.openFile('handler.ts');
    // The cursor on line 3 (console.log), then a breakpoint there.
    await wb.page.keyboard.press('Control+G');
    await wb.page.locator('.quick-input-widget input.input').fill(':3');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.press('F9');
    await wb.page.locator('.editor-group-container.active .codicon-debug-breakpoint').first().waitFor();

    const previousRequest = await resultFrame().locator('.request-id code').innerText();
    await lens('Debug').click();
    await pickEmptyEvent();
    // Paused: the call stack shows the handler's frame in the TypeScript file, at the breakpoint.
    const frame = wb.viewBody('Call Stack').locator('.monaco-list-row', { hasText: 'handler.ts' }).first();
    await frame.waitFor({ timeout: 90_000 }).catch(async (error: unknown) => {
      await wb.screenshot('42-debug-not-paused');
      throw error;
    });
    const text = await frame.innerText();
    assert.match(text, /handler\.ts/);
    assert.match(text, /\bhandler\b/, `the top frame is the handler: ${text}`);
    assert.match(text, /\b3:\d+/, `the top frame is on line 3: ${text}`);
    await wb.page.locator('.editor-group-container.active .debug-top-stack-frame-line').first().waitFor();
    await wb.screenshot('42-debug-paused');

    await wb.page.keyboard.press('F5');
    // A new result: the debugged invocation's.
    const view = resultFrame();
    await view.locator('.request-id code', { hasNotText: previousRequest }).waitFor({ timeout: 60_000 });
    await view.locator('pre.payload', { hasText: 'hello, world' }).waitFor();
    // The session ends with the invoke, and the debug toolbar goes away.
    await wb.page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  });
});

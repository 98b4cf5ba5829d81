// The invoke flow as a person uses it: pick a function and a template, edit the event, invoke
// the local emulator, read the result view; and invalid JSON is refused with its position.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, FrameLocator } from 'playwright-core';
import { launchChromium, packagedVsixPath, startWorkbenchServer } from '../support/vscode.mjs';
import { Workbench } from './workbench';

const vsix: string = packagedVsixPath;

describe('invoking a function locally, from the palette to the result view', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lwb-ui-invoke-'));
  let workspace = '';
  let server: Awaited<ReturnType<typeof startWorkbenchServer>> | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} exists; run "npm run package" first`);
    server = await startWorkbenchServer({ scratch, vsix });
    workspace = server.workspace;
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

  /** Palette, function, then the template's "Edit before invoking" button; leaves the event open in an editor. */
  async function openTemplateForEditing(): Promise<void> {
    await wb.runCommand('Lambda: Invoke Locally...');
    const input = wb.page.locator('.quick-input-widget input.input');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'HelloFunction' }).first().click();
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Event for HelloFunction' }).waitFor();
    await input.fill('payload format 2.0');
    const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'GET request (payload format 2.0)' }).first();
    await row.hover();
    await row.locator('.action-label.codicon-edit').click();
    await wb.notification('Edit the event for HelloFunction, then choose Invoke.').waitFor();
    await wb.page.locator('.monaco-editor .view-lines', { hasText: '"routeKey"' }).first().waitFor();
  }

  async function replaceEditorText(text: string): Promise<void> {
    await wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+A');
    await wb.page.keyboard.press('Delete');
    await wb.page.keyboard.insertText(text);
  }

  function resultFrame(): FrameLocator {
    return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  test('pick a template, edit it, invoke, and read the payload and REPORT metrics in the result view', async () => {
    await openTemplateForEditing();
    await wb.screenshot('10-edit-event');
    await replaceEditorText('{"name": "from the UI"}');
    await wb.notification('Edit the event for HelloFunction').getByRole('button', { name: 'Invoke' }).click();
    const view = resultFrame();
    await view.locator('pre.payload', { hasText: 'hello, from the UI' }).waitFor({ timeout: 60_000 });
    await view.locator('.status.ok', { hasText: 'Succeeded' }).waitFor();
    for (const name of ['Duration', 'Billed Duration', 'Memory Used', 'Init Duration']) {
      await view.locator('.metric .name', { hasText: new RegExp(`^${name}$`) }).waitFor();
    }
    await view.locator('.badge', { hasText: 'cold start' }).waitFor();
    await view.locator('pre.log', { hasText: /REPORT RequestId: / }).waitFor();
    await wb.screenshot('11-result-view');
  });

  test('the result view saves the event in the workspace; the picker lists, renames and deletes it', async () => {
    await resultFrame().getByRole('button', { name: 'Save event' }).click();
    const name = wb.page.locator('.quick-input-widget input.input');
    await name.waitFor();
    await name.fill('from-ui');
    await wb.page.keyboard.press('Enter');
    await wb.notification('Saved "from-ui" in .lambda/events/HelloFunction/from-ui.json.').waitFor();
    const file = join(workspace, '.lambda/events/HelloFunction/from-ui.json');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { name: 'from the UI' });

    await wb.runCommand('Lambda: Invoke Locally...');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'HelloFunction' }).first().click();
    const saved = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'from-ui' }).first();
    await saved.waitFor();
    await wb.screenshot('13-picker-saved');
    await saved.hover();
    await saved.locator('.action-label.codicon-pencil').click();
    await name.waitFor();
    await name.fill('renamed-in-ui');
    await wb.page.keyboard.press('Enter');
    const renamed = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'renamed-in-ui' }).first();
    await renamed.waitFor();
    assert.ok(existsSync(join(workspace, '.lambda/events/HelloFunction/renamed-in-ui.json')));
    assert.equal(existsSync(file), false);
    await renamed.hover();
    await renamed.locator('.action-label.codicon-trash').click();
    await wb.page.locator('.monaco-dialog-box').getByRole('button', { name: 'Delete' }).click();
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Empty event' }).first().waitFor();
    for (let i = 0; i < 50 && existsSync(join(workspace, '.lambda/events/HelloFunction/renamed-in-ui.json')); i++)
      await wb.page.waitForTimeout(100);
    assert.equal(existsSync(join(workspace, '.lambda/events/HelloFunction/renamed-in-ui.json')), false);
    await wb.page.keyboard.press('Escape');
  });

  test("the event picker offers first the event the function's own route sends, and it invokes", async () => {
    await wb.runCommand('Lambda: Invoke Locally...');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'HelloFunction' }).first().click();
    // Shown once the function is found, above every other entry.
    const first = wb.page.locator('.quick-input-list .monaco-list-row').first();
    await first.filter({ hasText: 'GET /hello/{name} (HTTP API, payload 2.0)' }).waitFor();
    await wb.screenshot('14-picker-trigger-event');
    await first.click();
    const view = resultFrame();
    await view.locator('pre.payload', { hasText: 'hello, name' }).waitFor({ timeout: 60_000 });
    await view.locator('.status.ok', { hasText: 'Succeeded' }).waitFor();
  });

  /** The request id the result view shows, with its tab brought to the front first (a hidden webview has no page). */
  async function shownRequestId(): Promise<string> {
    await wb.page.locator('.tabs-container .tab', { hasText: 'Lambda: HelloFunction' }).first().click();
    return resultFrame().locator('.request-id code').innerText();
  }

  test('a picker of the flow stays open when a webview takes the focus', async () => {
    await wb.runCommand('Lambda: Invoke Locally...');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'HelloFunction' }).first().click();
    const title = wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Event for HelloFunction' });
    await title.waitFor();
    // What a late focus event does on a busy machine, done at once: the result view's page takes the focus.
    // Low in the page, away from the picker, which floats over the top of the window.
    const page = await resultFrame().locator('body').boundingBox();
    assert.ok(page !== null);
    await wb.page.mouse.click(page.x + 20, page.y + page.height - 20);
    // A string: the function runs in the page, which this file's TypeScript (no DOM types) does not describe.
    await wb.page.waitForFunction("document.activeElement?.tagName === 'IFRAME'");
    assert.equal(await title.isVisible(), true, 'the event picker is still open');
    await wb.page.locator('.quick-input-widget input.input').click();
    await wb.page.keyboard.press('Escape');
    await title.waitFor({ state: 'hidden' });
  });

  test('invalid JSON is reported with its line and column, and nothing is sent', async () => {
    const before = await shownRequestId();
    await openTemplateForEditing();
    await replaceEditorText('{"name": , "tries": 1}');
    await wb.notification('Edit the event for HelloFunction').getByRole('button', { name: 'Invoke' }).click();
    const error = wb.notification(
      'The event is not valid JSON (line 1, column 10: expected a value but found ","). Nothing was sent',
    );
    await error.waitFor();
    await wb.screenshot('12-invalid-json');
    await wb.notification('Edit the event for HelloFunction').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await shownRequestId(), before, 'no new invocation reached the result view');
  });
});

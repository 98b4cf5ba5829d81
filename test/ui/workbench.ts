// Drives the VS Code workbench in Chromium the way a person does: clicks, keys, what is on screen.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const screenshotDir = join(__dirname, '../../test-results/ui');

function paneTitle(page: Page, name: string): Locator {
  return page.locator('.pane-header h3.title', { hasText: new RegExp(`^${name}$`, 'i') });
}

export class Workbench {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
  }

  lambdaContainerIcon(): Locator {
    return this.page.locator('.activitybar a[aria-label^="Lambda"]');
  }

  async openLambdaContainer(): Promise<void> {
    await this.lambdaContainerIcon().click();
    await this.viewHeader('Functions').waitFor();
  }

  viewHeader(name: string): Locator {
    return this.page.locator('.sidebar').locator(paneTitle(this.page, name));
  }

  /** The body (rows or welcome content) of a view of the side bar, found by the view's title. */
  viewBody(name: string): Locator {
    return this.page.locator('.sidebar .pane', { has: paneTitle(this.page, name) }).locator('.pane-body');
  }

  async openPalette(text: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget input.input');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        await input.fill(`>${text}`, { timeout: 5_000 });
        break;
      } catch (error) {
        // Keys pressed while a webview has focus may not reach the workbench, and a webview that
        // takes the focus closes the palette: give the focus back to the workbench and try again.
        if (attempt === 3) throw error;
        await this.page
          .locator('.part.sidebar .composite.title')
          .click({ timeout: 2_000 })
          .catch(() => this.page.locator('.part.statusbar').click({ position: { x: 1, y: 1 }, timeout: 2_000 }));
      }
    }
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    return rows;
  }

  async runCommand(title: string): Promise<void> {
    const rows = await this.openPalette(title);
    await rows.filter({ hasText: title }).first().click({ timeout: 10_000 });
  }

  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
    // Commands whose palette entry depends on `editorLangId` only show once the editor has focus;
    // the tab turns active a moment before that, so wait for the focused editor itself.
    await this.page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(screenshotDir, { recursive: true });
    await this.page.screenshot({ path: join(screenshotDir, `${name}.png`) });
  }
}

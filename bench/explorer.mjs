// The Functions view with 1,000 functions, measured in code-server through Chromium as a person
// sees it: `npm run bench:explorer [--runs 10]`. Budgets (from the issue): with 1,000 functions in
// moto, the first page of the tree is visible at most 1.5 s after the refresh; expanding a function
// shows its children in at most 500 ms.
//
// The packaged extension (.vsix) is installed into a scratch code-server whose workspace points it
// at moto behind startMotoGaps' proxy (which pages ListFunctions as Lambda does, 50 per page). Every
// figure is taken inside the page: from the pointerdown of the click to the first animation frame
// whose DOM shows the awaited rows (a MutationObserver notices them, the frame paints them).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedAccount, startMotoGaps } from '../test/support/moto-account.mjs';
import { motoEditorEnv, startMoto } from '../test/support/moto.mjs';
import { launchChromium, projectRoot, startWorkbenchServer } from '../test/support/vscode.mjs';
import { packagedVsix } from './vsix.mjs';

const REFRESH_BUDGET_MS = 1500;
const EXPAND_BUDGET_MS = 500;
const FUNCTIONS = 1000;
/** The region and profile the Functions view's description names once the listing is complete. */
const REGION = 'us-east-1';
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not ${values.runs}`);

// ---------------------------------------------------------------------------------------------
// In the page: a stopwatch that starts at the pointerdown of a click and stops at the first frame
// whose DOM shows what is awaited. Plain functions, serialised by Playwright into the page.
// ---------------------------------------------------------------------------------------------

/* global window, document, requestAnimationFrame, MutationObserver, Element */

/**
 * Arms `window.__lwbStopwatch`: a promise of the milliseconds from the pointerdown on an element
 * matching `start` to the first frame in which each of `stops` holds in the Functions view, by
 * name. A stop with `again` counts only once it has not held after the click (a description that
 * changes, then comes back). Returns the names of the other stops that hold already.
 * @typedef {{ kind: 'row', label: string } | { kind: 'rowPrefix', prefix: string } | { kind: 'child', parent: string, child: string } | { kind: 'description', text: string, again?: boolean }} Stop
 * @param {{ start: string, stops: Record<string, Stop>, timeoutMs: number }} options
 */
function armStopwatch({ start, stops, timeoutMs }) {
  const functionsPane = () => {
    for (const pane of document.querySelectorAll('.sidebar .pane')) {
      const title = pane.querySelector('.pane-header h3.title')?.textContent?.trim().toLowerCase();
      if (title === 'functions') return pane;
    }
    return null;
  };
  const label = (row) => row.querySelector('.label-name')?.textContent?.trim() ?? '';
  /**
   * The view's rows: those in the DOM (the list renders only the rows near its viewport), or only
   * those inside the view's box, which needs a layout.
   */
  const rowsOf = (onScreen) => {
    const body = functionsPane()?.querySelector('.pane-body');
    if (!body) return [];
    const rows = [...body.querySelectorAll('.monaco-list-row')];
    if (!onScreen) return rows;
    const box = body.getBoundingClientRect();
    return rows.filter((row) => {
      const r = row.getBoundingClientRect();
      return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    });
  };
  const holds = (stop, onScreen) => {
    if (stop.kind === 'description') {
      return (functionsPane()?.querySelector('.pane-header .description')?.textContent ?? '').includes(stop.text);
    }
    const rows = rowsOf(onScreen);
    switch (stop.kind) {
      case 'row':
        return rows.some((row) => label(row) === stop.label);
      case 'rowPrefix':
        return rows.some((row) => label(row).startsWith(stop.prefix));
      case 'child': {
        const parent = rows.find((row) => label(row) === stop.parent);
        if (parent === undefined) return false;
        const next = String(Number(parent.getAttribute('data-index')) + 1);
        const child = rows.find((row) => row.getAttribute('data-index') === next);
        return (
          child !== undefined &&
          label(child) === stop.child &&
          Number(child.getAttribute('aria-level')) === Number(parent.getAttribute('aria-level')) + 1
        );
      }
    }
    return false;
  };
  const previous = window.__lwbStopwatchCleanup;
  if (previous) previous();
  const names = Object.keys(stops);
  window.__lwbStopwatch = new Promise((resolve, reject) => {
    let startedAt;
    /** @type {Set<string>} */
    const seen = new Set();
    /** Stops with `again` that have not held since the click. */
    const left = new Set();
    /** @type {Record<string, number>} */
    const measured = {};
    const cleanup = () => {
      observer.disconnect();
      window.removeEventListener('pointerdown', onPointerDown, true);
      clearTimeout(timer);
      window.__lwbStopwatchCleanup = undefined;
    };
    /** What the view shows, for an error message. */
    const shown = () =>
      `The view shows "${functionsPane()?.querySelector('.pane-header .description')?.textContent ?? ''}" and the rows: ` +
      rowsOf(false)
        .slice(0, 8)
        .map((row) => JSON.stringify(label(row)))
        .join(', ');
    const fail = (message) => {
      cleanup();
      reject(new Error(`${message}\n${shown()}`));
    };
    const timer = setTimeout(() => {
      const missing = names.filter((name) => !(name in measured)).map((name) => JSON.stringify(stops[name]));
      fail(`${missing.join(' and ')} did not hold within ${timeoutMs} ms (clicked: ${startedAt !== undefined}).`);
    }, timeoutMs);
    // Once the DOM shows it, the next animation frame is the one that paints it. The DOM may show
    // it only between two frames (a page of functions replaced by the next before it is painted);
    // that frame then paints what replaced it, which holds it too.
    const check = (onScreen) => {
      const failed = rowsOf(false).find((row) => label(row).startsWith('Failed to load'));
      if (failed !== undefined) {
        fail(`The view failed to load: ${failed.getAttribute('aria-label') ?? label(failed)}`);
        return;
      }
      for (const name of names) {
        if (seen.has(name)) continue;
        const holding = holds(stops[name], onScreen);
        if (stops[name].again && !left.has(name)) {
          if (!holding) left.add(name);
          continue;
        }
        if (!holding) continue;
        seen.add(name);
        requestAnimationFrame(() => {
          measured[name] = performance.now() - startedAt;
          if (Object.keys(measured).length === names.length) {
            cleanup();
            resolve(measured);
          }
        });
      }
    };
    // Each mutation, without forcing a layout: is it in the DOM?
    const observer = new MutationObserver(() => check(false));
    // Each frame, with the layout the frame needs anyway: is it on screen?
    const poll = () => {
      if (seen.size === names.length || window.__lwbStopwatchCleanup !== cleanup) return;
      check(true);
      requestAnimationFrame(poll);
    };
    const onPointerDown = (event) => {
      if (startedAt !== undefined || !(event.target instanceof Element) || event.target.closest(start) === null) return;
      startedAt = performance.now();
      observer.observe(document.body, {
        childList: true,
        subtree: true,
        characterData: true,
        attributeFilter: ['data-index', 'aria-level'],
      });
      requestAnimationFrame(poll);
    };
    window.addEventListener('pointerdown', onPointerDown, true);
    window.__lwbStopwatchCleanup = cleanup;
  });
  // Rejections surface through the awaiting evaluate; none should go unhandled in the page.
  window.__lwbStopwatch.catch(() => undefined);
  return names.filter((name) => !stops[name].again && holds(stops[name], false));
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], min: sorted[0] };
}

const ms = (n) => `${n.toFixed(0)} ms`;

const scratch = mkdtempSync(join(tmpdir(), 'lwb-bench-explorer-'));
let moto;
let gaps;
let server;
let browser;
let page;
try {
  const vsix = packagedVsix(scratch);
  moto = await startMoto();
  // moto returns every function in one answer; the proxy pages ListFunctions as Lambda does.
  gaps = await startMotoGaps(moto.url);
  const seeded = await seedAccount(gaps.url, { functions: FUNCTIONS, region: REGION });
  console.log(`seeded ${seeded.functionNames.length} functions into moto in ${(seeded.seedMs / 1000).toFixed(1)} s`);
  // The Functions view sorts by name, as ListFunctions returns them.
  const names = [...seeded.functionNames].sort((a, b) => a.localeCompare(b));
  const firstName = names[0];

  server = await startWorkbenchServer({
    scratch,
    vsix,
    workspaceSettings: { 'lambdaWorkbench.aws.endpointUrl': gaps.url, 'lambdaWorkbench.aws.region': REGION },
    env: motoEditorEnv(scratch),
  });
  browser = await launchChromium();
  // Tall enough that the Functions view shows more than one page (50 rows) of functions: the row
  // "Loading more functions…" after the first page is then on screen, and tells a new first page
  // from the rows of the listing before the refresh, which the tree keeps until it has new ones.
  page = await browser.newPage({ viewport: { width: 1400, height: 1700 } });
  await page.goto(server.url);
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
  // The workspace holds a SAM template, so the extension activates with the window; its status
  // bar item says it has.
  await page
    .locator('.statusbar-item', { hasText: `default · ${REGION}` })
    .first()
    .waitFor({ timeout: 60_000 });

  const sidebarPane = (name) =>
    page.locator('.sidebar .pane', { has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${name}$`, 'i') }) });
  const functionsPane = sidebarPane('Functions');
  const row = (label) =>
    functionsPane.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
  const complete = functionsPane.locator('.pane-header .description', { hasText: `${FUNCTIONS} functions · ` });
  /** Arms the stopwatch, does `click`, and returns the milliseconds the page measured for each stop. */
  const timed = async (start, stops, click, timeoutMs = 120_000) => {
    const already = await page.evaluate(armStopwatch, { start, stops, timeoutMs });
    if (already.length > 0) {
      throw new Error(
        `${already.map((n) => JSON.stringify(stops[n])).join(' and ')} holds before the click; the measurement would be empty.`,
      );
    }
    await click();
    return page.evaluate(() => window.__lwbStopwatch);
  };
  const listed = { kind: 'description', text: `${FUNCTIONS} functions · `, again: true };

  // First load: the activity bar's Lambda icon to the first function on screen. The first use of
  // the view loads the features bundle and the AWS SDK.
  const firstLoad = await timed(
    '.activitybar a[aria-label^="Lambda"]',
    { firstPage: { kind: 'row', label: firstName }, listed },
    () => page.locator('.activitybar a[aria-label^="Lambda"]').click(),
  );
  const localPane = sidebarPane('Local');
  if ((await localPane.locator('.pane-header').getAttribute('aria-expanded')) === 'true') {
    // The Functions view gets the whole side bar.
    await localPane.locator('.pane-header').click();
  }
  console.log(
    `first load: ${ms(firstLoad.firstPage)} from the click on the Lambda icon to "${firstName}" on screen ` +
      `(loads the features bundle and the AWS SDK, then the first page); all ${FUNCTIONS} listed after ${ms(firstLoad.listed)}`,
  );

  // Refresh: the view's "Refresh Functions" button to the new first page on screen.
  const refreshSelector = 'a.action-label[aria-label="Refresh Functions"]';
  const refreshButton = functionsPane.locator(`.pane-header .actions ${refreshSelector}`);
  const refreshMs = [];
  const listedMs = [];
  for (let i = 0; i < runs; i++) {
    await complete.waitFor({ timeout: 120_000 });
    // The view's title buttons show while the pointer is over the view.
    await functionsPane.locator('.pane-header').hover();
    // The description counts the functions listed so far ("50+ functions"); it reads
    // "1000 functions" again once the last page is in.
    const refreshed = await timed(
      refreshSelector,
      { firstPage: { kind: 'rowPrefix', prefix: 'Loading more functions' }, listed },
      () => refreshButton.click(),
    );
    refreshMs.push(refreshed.firstPage);
    listedMs.push(refreshed.listed);
  }

  // Expand: a function's twistie to its first child, "Triggers", on screen. A different function
  // each time, so each expansion reads its function afresh (GetFunction).
  const expandable = names.slice(1, 45);
  const expandMs = [];
  for (let i = 0; i < runs; i++) {
    const name = expandable[i % expandable.length];
    const twistie = row(name).locator('.monaco-tl-twistie');
    const expanded = await timed('.monaco-tl-twistie', { children: { kind: 'child', parent: name, child: 'Triggers' } }, () =>
      twistie.click(),
    );
    expandMs.push(expanded.children);
    await twistie.click();
    await functionsPane.locator('.monaco-list-row[aria-level="2"]').first().waitFor({ state: 'detached' });
  }
  if (runs > expandable.length) console.log(`(expanded the first ${expandable.length} functions again after the first round)`);

  const refresh = summary(refreshMs);
  const all = summary(listedMs);
  const expand = summary(expandMs);
  console.log(`refresh, first page: ${refreshMs.map(ms).join(', ')}`);
  console.log(`refresh, all listed: ${listedMs.map(ms).join(', ')}`);
  console.log(`expand:              ${expandMs.map(ms).join(', ')}`);
  console.log(
    `refresh with ${FUNCTIONS} functions, from the click on "Refresh Functions" to the first page on screen: ` +
      `median ${ms(refresh.median)}, max ${ms(refresh.max)} over ${runs} refreshes (budget ${ms(REFRESH_BUDGET_MS)}); ` +
      `all ${FUNCTIONS} listed: median ${ms(all.median)}, max ${ms(all.max)} (no budget)`,
  );
  console.log(
    `expand a function, from the click on its twistie to its "Triggers" row on screen: ` +
      `median ${ms(expand.median)}, max ${ms(expand.max)} over ${runs} functions (budget ${ms(EXPAND_BUDGET_MS)})`,
  );
  if (refresh.median > REFRESH_BUDGET_MS || expand.median > EXPAND_BUDGET_MS) process.exitCode = 1;
} catch (error) {
  if (page) {
    const shot = join(projectRoot, 'test-results/bench/explorer-failure.png');
    mkdirSync(join(projectRoot, 'test-results/bench'), { recursive: true });
    await page.screenshot({ path: shot }).then(
      () => console.error(`screenshot of the failure: ${shot}`),
      () => undefined,
    );
  }
  throw error;
} finally {
  await browser?.close().catch(() => {});
  await server?.stop();
  await gaps?.stop();
  await moto?.stop();
  rmSync(scratch, { recursive: true, force: true });
}

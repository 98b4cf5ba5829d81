// A real VS Code on this machine: the VS Code server inside the npm package code-server, opened in
// Debian's Chromium. Used by the extension-host tests, the UI tests, the activation benchmark and
// `npm run demo`. test/support/setup.mjs installs what this needs.
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startGroup, waitForHttp } from './processes.mjs';

export const projectRoot = resolve(import.meta.dirname, '../..');
export const codeServerHome = join(projectRoot, '.cache/code-server/node_modules/code-server');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export function codeServerBin() {
  return join(codeServerHome, 'out/node/entry.js');
}

function assertInstalled() {
  for (const path of [codeServerBin(), chromiumPath]) {
    if (!existsSync(path)) throw new Error(`${path} is missing. Run "npm run setup" to install the test tools.`);
  }
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, headless: true });
}

/** The linux-x64 .vsix that `npm run package -- --target linux-x64` (and the UI tier) writes. */
export const packagedVsixPath = join(
  projectRoot,
  `lambda-workbench-${JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version}-linux-x64.vsix`,
);

/** code-server writes its config under XDG folders; keep them inside the run's own folder. */
function isolatedEnv(userDataDir, extra = {}) {
  // AWS settings of the machine running the tests must not leak into the editor under test.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...inherited,
    XDG_CONFIG_HOME: join(userDataDir, 'xdg-config'),
    XDG_DATA_HOME: join(userDataDir, 'xdg-data'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** A folder for one run's state, removed by `cleanup()`. */
function scratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs an extension-host test module (one exporting `run()`) in the VS Code server, the way
 * @vscode/test-electron runs it in desktop VS Code. Returns the JSON the module wrote to
 * LAMBDA_WB_HOST_RESULTS, or throws when it wrote none within `timeoutMs`.
 * @param {{ testsPath: string, workspace: string, env?: Record<string, string>, timeoutMs?: number, logFile?: string }} options
 */
export async function runInExtensionHost({ testsPath, workspace, env = {}, timeoutMs = 180_000, logFile }) {
  assertInstalled();
  const run = scratch('lwb-host-');
  const resultsFile = join(run.dir, 'results.json');
  const port = await freePort();
  const dirs = Object.fromEntries(['server-data', 'user-data', 'extensions'].map((d) => [d, join(run.dir, d)]));
  Object.values(dirs).forEach((d) => mkdirSync(d, { recursive: true }));
  const log = logFile ? createWriteStream(logFile) : undefined;
  const server = startGroup(
    process.execPath,
    [
      join(codeServerHome, 'lib/vscode/out/server-main.js'),
      ...['--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms'],
      ...['--telemetry-level', 'off', '--server-data-dir', dirs['server-data'], '--user-data-dir', dirs['user-data']],
      ...['--extensions-dir', dirs.extensions],
    ],
    { env: { ...isolatedEnv(dirs['user-data'], env), LAMBDA_WB_HOST_RESULTS: resultsFile }, log },
  );
  let browser;
  try {
    const base = `http://127.0.0.1:${port}`;
    let alive = true;
    void server.exited.then(() => (alive = false));
    await waitForHttp(`${base}/version`, 60_000, () => alive);
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(projectRoot)],
      ['extensionTestsPath', remote(testsPath)],
      ['skipWelcome', 'true'],
    ];
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error(`The extension-host tests wrote no results within ${timeoutMs} ms.`);
      if (!alive) throw new Error('The VS Code server exited before the extension-host tests finished.');
      await new Promise((r) => setTimeout(r, 200));
    }
    // The file is written in one call; give the writer a moment to close it.
    await new Promise((r) => setTimeout(r, 100));
    return JSON.parse(readFileSync(resultsFile, 'utf8'));
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
    log?.end();
    run.cleanup();
  }
}

/**
 * Starts code-server (the full product, as a person uses it) on 127.0.0.1 with the given
 * extensions folder and workspace. Returns its URL and a `stop()` that ends its process group.
 * `env` adds variables for the editor (AWS_CONFIG_FILE for a test's own profiles, say).
 * @param {{ extensionsDir: string, userDataDir: string, workspace: string, logFile?: string, port?: number, env?: Record<string, string> }} options
 */
export async function startCodeServer({ extensionsDir, userDataDir, workspace, logFile, port, env = {} }) {
  assertInstalled();
  const chosenPort = port ?? (await freePort());
  const log = logFile ? createWriteStream(logFile) : undefined;
  const server = startGroup(
    process.execPath,
    [
      codeServerBin(),
      ...['--auth', 'none', '--bind-addr', `127.0.0.1:${chosenPort}`, '--extensions-dir', extensionsDir],
      ...['--user-data-dir', userDataDir, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'],
      workspace,
    ],
    { log, env: isolatedEnv(userDataDir, env) },
  );
  let alive = true;
  void server.exited.then(() => (alive = false));
  const url = `http://127.0.0.1:${chosenPort}/`;
  try {
    await waitForHttp(`${url}healthz`, 60_000, () => alive);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url,
    stop: async () => {
      await server.stop();
      log?.end();
    },
  };
}

/** Installs a .vsix into an extensions folder with code-server's own installer. */
export async function installVsix(vsix, extensionsDir, userDataDir) {
  assertInstalled();
  const installer = startGroup(
    process.execPath,
    [codeServerBin(), ...['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix]],
    { env: isolatedEnv(userDataDir) },
  );
  let output = '';
  installer.child.stdout.on('data', (d) => (output += d));
  installer.child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => void installer.stop(), 120_000);
  const { code } = await installer.exited;
  clearTimeout(timer);
  await installer.stop();
  if (code !== 0) throw new Error(`Installing ${vsix} failed (exit ${code}):\n${output}`);
  return output;
}

/**
 * code-server with the packaged extension installed from `vsix`, opened on a copy of the UI
 * fixture workspace (a SAM template, so the extension activates with the window), for the UI
 * tests and benchmarks. Everything it writes stays under `scratch`.
 * @param {{ scratch: string, vsix: string, workspaceSettings?: Record<string, unknown>, env?: Record<string, string> }} options
 * @returns {Promise<{ url: string, workspace: string, installed: string, stop(): Promise<void> }>}
 */
export async function startWorkbenchServer({ scratch, vsix, workspaceSettings, env = {} }) {
  const workspace = join(scratch, 'workspace');
  cpSync(join(projectRoot, 'test/fixtures/ui-workspace'), workspace, { recursive: true });
  if (workspaceSettings !== undefined) {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify(workspaceSettings, null, 2));
  }
  const extensionsDir = join(scratch, 'extensions');
  const userDataDir = join(scratch, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off' }),
  );
  const installed = await installVsix(vsix, extensionsDir, userDataDir);
  const server = await startCodeServer({ extensionsDir, userDataDir, workspace, logFile: join(scratch, 'code-server.log'), env });
  return { ...server, workspace, installed };
}

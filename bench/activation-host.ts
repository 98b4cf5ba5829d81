// Runs inside the VS Code extension host (see bench/activation.mjs): activates Lambda Workbench
// once and reports three figures:
//   total       - `Extension.activate()` as a caller sees it, from request to resolution;
//   codeLoading - require() of dist/extension.js;
//   activateCall - the call of our activate() function;
// plus any heavy module (esbuild, the AWS SDK) that activation loaded.
import { writeFileSync } from 'node:fs';
import Module from 'node:module';
import * as vscode from 'vscode';

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

export async function run(): Promise<void> {
  const out = process.env['LAMBDA_WB_HOST_RESULTS'];
  if (out === undefined) throw new Error('Run this through bench/activation.mjs.');
  try {
    writeFileSync(out, JSON.stringify(await measure()));
  } catch (error) {
    writeFileSync(out, JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  }
}

async function measure() {
  const extension = vscode.extensions.getExtension('lambda-workbench.lambda-workbench');
  if (!extension) throw new Error('Lambda Workbench is not loaded in this extension host.');
  // Built-in extensions activate while the host starts; wait for that to settle so the figure is ours.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env['LAMBDA_WB_BENCH_SETTLE_MS'] ?? 3000)));

  const timings = { codeLoadingMs: NaN, activateCallMs: NaN };
  const moduleWithLoad = Module as unknown as { _load: Load };
  const originalLoad = moduleWithLoad._load;
  moduleWithLoad._load = function (request, parent, isMain) {
    if (!request.endsWith('dist/extension.js') && !request.endsWith('dist/extension'))
      return originalLoad.call(this, request, parent, isMain);
    const started = performance.now();
    const exports = originalLoad.call(this, request, parent, isMain) as { activate: (...args: unknown[]) => unknown };
    timings.codeLoadingMs = performance.now() - started;
    const activate = (...args: unknown[]) => {
      const callStarted = performance.now();
      try {
        return exports.activate(...args);
      } finally {
        timings.activateCallMs = performance.now() - callStarted;
      }
    };
    // esbuild's exports are getters, so the timed activate is handed out through a proxy.
    return new Proxy(exports, { get: (target, key) => (key === 'activate' ? activate : (Reflect.get(target, key) as unknown)) });
  };

  const wasActive = extension.isActive;
  const started = performance.now();
  try {
    await extension.activate();
  } finally {
    moduleWithLoad._load = originalLoad;
  }
  const totalMs = performance.now() - started;
  const heavyModules = Object.keys(require.cache).filter((path) =>
    /[\\/](node_modules[\\/](esbuild|@esbuild|@aws-sdk|@smithy)|dist[\\/]vendor)[\\/]/.test(path),
  );
  return { wasActive, totalMs, ...timings, heavyModules };
}

// The production build of the extension, and a benchmark's own module for the extension host
// (one exporting `run()`, as runInExtensionHost expects), bundled next to it under out/bench.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { projectRoot } from '../test/support/vscode.mjs';

/** Builds dist/ for production and bundles bench/<name>.ts; returns the bundle's path. */
export async function buildWithHostModule(name) {
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: projectRoot, stdio: 'ignore' });
  const hostModule = join(projectRoot, `out/bench/${name}.js`);
  await esbuild.build({
    entryPoints: [join(projectRoot, `bench/${name}.ts`)],
    outfile: hostModule,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return hostModule;
}

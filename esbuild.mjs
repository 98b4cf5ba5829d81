// Builds the extension and CLI bundles into dist/, and the extension-host tests into out/.
// `node esbuild.mjs` for development, `--production` to minify for packaging, `--watch` to rebuild.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  sourcesContent: false,
  minify: production,
  logLevel: 'info',
  // vscode is provided by the host; esbuild ships its own native binary and must load from node_modules.
  external: ['vscode', 'esbuild'],
  define: { LAMBDA_WORKBENCH_VERSION: JSON.stringify(version) },
};

const hostTests = readdirSync('test/host').filter((f) => f.endsWith('.ts')).map((f) => join('test/host', f));

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Extension-host tests run inside VS Code; mocha stays external and loads from node_modules.
  ...(production
    ? []
    : [{ ...common, entryPoints: hostTests, outdir: 'out/test/host', external: [...common.external, 'mocha'] }]),
];

rmSync('dist', { recursive: true, force: true });
if (!production) rmSync('out', { recursive: true, force: true });
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

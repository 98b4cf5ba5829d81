// The build: bundles the extension and the CLI into dist/, and the extension-host tests into out/.
//   node esbuild.mjs                 development build (with the tests)
//   node esbuild.mjs --watch         rebuild on change
//   node esbuild.mjs --production    minified build, what the .vsix ships (vsce runs this itself)
//   node esbuild.mjs --package [--target linux-x64]   a platform-specific .vsix (npm run package)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { typescriptParserOnly } from './esbuild-parser.mjs';

const { values: flags } = parseArgs({
  options: {
    production: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
    package: { type: 'boolean', default: false },
    target: { type: 'string', default: `${process.platform}-${process.arch}` },
  },
});
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

if (flags.package) {
  packageVsix(flags.target);
} else {
  await build();
}

async function build() {
  /** @type {import('esbuild').BuildOptions} */
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    sourcesContent: false,
    minify: flags.production,
    logLevel: 'info',
    // vscode is provided by the host; esbuild ships its own native binary and must load from node_modules.
    external: ['vscode', 'esbuild'],
    define: { LAMBDA_WORKBENCH_VERSION: JSON.stringify(version) },
  };
  // The AWS SDK is large; each package the code imports lazily is bundled on its own, under
  // dist/vendor, and loaded from there on first use, so neither the extension nor the CLI parses it at start.
  const vendored = ['credential-providers', 'client-lambda', 'client-cloudwatch-logs', 'client-schemas', 'client-s3'];
  // They are ES modules, so the `import()` in the code sees their named exports.
  const lazyAwsSdk = {
    name: 'lazy-aws-sdk',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^@aws-sdk/(${vendored.join('|')})$`) }, (args) => ({
        path: `./vendor/${args.path.slice('@aws-sdk/'.length)}.mjs`,
        external: true,
      }));
    },
  };
  // One build with code splitting: the packages share the SDK's core through common chunks.
  const vendorBuild = {
    ...common,
    format: 'esm',
    splitting: true,
    mainFields: ['module', 'main'],
    entryPoints: Object.fromEntries(vendored.map((name) => [name, `aws-sdk:${name}`])),
    outdir: 'dist/vendor',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // The SDK requires Node's built-in modules; an ES module needs a require to do that.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    sourcemap: false,
    plugins: [
      {
        name: 'aws-sdk-entries',
        setup(build) {
          build.onResolve({ filter: /^aws-sdk:/ }, (args) => ({
            path: args.path.slice('aws-sdk:'.length),
            namespace: 'aws-sdk-entry',
          }));
          build.onLoad({ filter: /.*/, namespace: 'aws-sdk-entry' }, (args) => ({
            contents: `export * from '@aws-sdk/${args.path}';`,
            resolveDir: '.',
            loader: 'js',
          }));
        },
      },
    ],
  };
  const hostTests = readdirSync('test/host')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join('test/host', f));
  const builds = [
    // The features load on first use, from a bundle of their own: activation reads only extension.js.
    {
      ...common,
      entryPoints: ['src/extension.ts'],
      outfile: 'dist/extension.js',
      external: [...common.external, './features.js'],
      plugins: [lazyAwsSdk],
    },
    { ...common, entryPoints: ['src/ui/features.ts'], outfile: 'dist/features.js', plugins: [lazyAwsSdk] },
    // Handler discovery runs in two worker threads: one reads the workspace, the other carries the
    // TypeScript compiler and parses (parser-worker.js loads parser-thread.js through V8's code
    // cache). The parser's names are not mangled: minified, esbuild wraps TypeScript's module in
    // an arrow function, which V8 evaluates about 100 ms slower than the plain function it keeps.
    { ...common, entryPoints: ['src/discovery-worker.ts'], outfile: 'dist/discovery-worker.js' },
    { ...common, entryPoints: ['src/parser-worker.ts'], outfile: 'dist/parser-worker.js' },
    {
      ...common,
      entryPoints: ['src/parser-thread.ts'],
      outfile: 'dist/parser-thread.js',
      minify: false,
      minifyWhitespace: flags.production,
      minifySyntax: flags.production,
      plugins: [typescriptParserOnly],
    },
    // Started by each emulator to end its environments if it dies (see core/emulator/watchdog.ts).
    { ...common, entryPoints: ['src/watchdog.ts'], outfile: 'dist/watchdog.js' },
    {
      ...common,
      entryPoints: ['src/cli/main.ts'],
      outfile: 'dist/cli.js',
      banner: { js: '#!/usr/bin/env node' },
      plugins: [lazyAwsSdk],
    },
    vendorBuild,
    // Extension-host tests run inside VS Code; mocha stays external and loads from node_modules.
    ...(flags.production
      ? []
      : [{ ...common, entryPoints: hostTests, outdir: 'out/test/host', external: [...common.external, 'mocha'] }]),
  ];
  rmSync('dist', { recursive: true, force: true });
  if (!flags.production) rmSync('out/test', { recursive: true, force: true });
  // The emulator's runtimes run as they are, in the environments' own processes.
  cpSync('src/core/emulator/runtimes', 'dist/runtimes', { recursive: true });
  if (flags.watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
  } else {
    await Promise.all(builds.map((options) => esbuild.build(options)));
  }
}

// The extension ships esbuild to bundle users' handlers, and esbuild's native binary differs per
// platform, so each .vsix carries exactly one binary: the @esbuild/<platform> package of its target.
function packageVsix(target) {
  // vsce targets and esbuild's platform packages share names, except Alpine, which is musl Linux.
  const platform = { 'alpine-x64': 'linux-x64', 'alpine-arm64': 'linux-arm64' }[target] ?? target;
  const binary = platform.startsWith('win32') ? 'esbuild.exe' : 'bin/esbuild';
  const binaryPath = join('node_modules/@esbuild', platform, binary);
  if (!existsSync(binaryPath)) {
    const esbuildVersion = JSON.parse(readFileSync('node_modules/esbuild/package.json', 'utf8')).version;
    console.error(
      `Packaging for ${target} needs esbuild's binary for that platform, and ${binaryPath} is missing. ` +
        `Install it with "npm install --no-save --force @esbuild/${platform}@${esbuildVersion}", then package again.`,
    );
    process.exit(1);
  }
  // The allowlist names the linux-x64 binary; point it at the target's.
  const ignore = readFileSync('.vscodeignore', 'utf8')
    .replaceAll('@esbuild/linux-x64/package.json', `@esbuild/${platform}/package.json`)
    .replaceAll('@esbuild/linux-x64/bin/esbuild', `@esbuild/${platform}/${binary}`);
  const ignoreFile = join(tmpdir(), `lambda-workbench-vscodeignore-${target}-${process.pid}`);
  writeFileSync(ignoreFile, ignore);
  const out = `lambda-workbench-${version}-${target}.vsix`;
  try {
    execFileSync(
      process.execPath,
      // README images stay relative: VS Code shows them from the installed extension, and the project has no public URL.
      [
        'node_modules/@vscode/vsce/vsce',
        'package',
        '--target',
        target,
        '--ignoreFile',
        ignoreFile,
        '--no-rewrite-relative-links',
        '--out',
        out,
      ],
      { stdio: 'inherit' },
    );
  } finally {
    rmSync(ignoreFile, { force: true });
  }
  console.log(`${out}\t${(statSync(out).size / 1024 / 1024).toFixed(2)} MB`);
}

// Bundling and zipping a function as deploy ships it, on the fixture project in
// test/fixtures/deploy (TypeScript with tsconfig paths, npm packages committed in its
// node_modules, an ES module handler, a native package, Python with vendored dependencies).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BundleError, createIncrementalBundler, watchHandler, type BundleResult } from '../../src/core/bundle/bundle';
import { buildDeploymentPackage, createPackageBuilder } from '../../src/core/bundle/deployment-package';
import { readTemplate } from '../../src/core/discovery/sam';
import type { FunctionConfig } from '../../src/core/function-config';
import { extractZip, readZip } from '../../src/core/zip/read-zip';

const root = resolve(__dirname, '../..');
const fixture = join(root, 'test/fixtures/deploy');
const cli = join(root, 'dist/cli.js');
const scratch = mkdtempSync(join(tmpdir(), 'lwb-bundle-zip-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function functionOf(id: string, templatePath = join(fixture, 'template.yaml')): FunctionConfig {
  const found = readTemplate(templatePath).find((f) => f.logicalId === id);
  assert.ok(found, `${id} is in the template`);
  return found.config;
}

/** Unzips a package into a new folder of the scratch space. */
async function unpack(zip: Buffer, name: string): Promise<string> {
  const dir = join(scratch, name);
  await extractZip(zip, dir);
  return dir;
}

describe('a TypeScript function packaged for deploy', () => {
  test('one bundle and its source map at the path the handler names, with packages in and the AWS SDK out', async () => {
    const pkg = await buildDeploymentPackage(functionOf('GreetFunction'));
    assert.deepEqual(pkg.files, ['src/handler.js', 'src/handler.js.map']);
    assert.equal(pkg.language, 'nodejs');
    assert.equal(pkg.format, 'cjs');
    assert.equal(pkg.bundle?.target, 'node20');
    assert.deepEqual(pkg.bundle?.external, ['@aws-sdk/*']);
    assert.deepEqual(pkg.recommendedEnvironment, { NODE_OPTIONS: '--enable-source-maps' });
    const contributors = pkg.bundle?.size.contributors.map((c) => `${c.kind}:${c.name}`) ?? [];
    for (const part of ['package:tiny-greeting', 'file:src/handler.ts', 'file:src/lib/format.ts', 'file:src/lib/shout.ts']) {
      assert.ok(contributors.includes(part), `${part} in the size report (${contributors.join(', ')})`);
    }
    const dir = await unpack(pkg.zip, 'greet');
    const loaded = (await import(join(dir, 'src/handler.js'))) as { handler: (e: unknown) => Promise<unknown> };
    assert.deepEqual(await loaded.handler({ name: 'ada' }), { reply: 'Hello, ada! (greeting #1)', loud: 'ADA!' });
  });

  test('nothing in the package depends on where the project or the output is: paths are relative', async () => {
    const pkg = await buildDeploymentPackage(functionOf('GreetFunction'));
    const text = readZip(pkg.zip)
      .map((entry) => entry.read().toString('utf8'))
      .join('\n');
    assert.ok(!text.includes(root), 'no absolute path of the project');
    const map = JSON.parse(
      readZip(pkg.zip)
        .find((e) => e.path.endsWith('.map'))
        ?.read()
        .toString('utf8') ?? '{}',
    ) as {
      sources: string[];
    };
    assert.ok(map.sources.includes('handler.ts') && map.sources.includes('lib/format.ts'), map.sources.join(', '));
    assert.ok(!map.sources.some((source) => source.startsWith('../node_modules/')), 'packages are not mapped by default');
    const mapped = await buildDeploymentPackage(functionOf('GreetFunction'), { mapDependencies: true });
    const full = JSON.parse(
      readZip(mapped.zip)
        .find((e) => e.path.endsWith('.map'))
        ?.read()
        .toString('utf8') ?? '{}',
    ) as {
      sources: string[];
    };
    assert.ok(full.sources.includes('../node_modules/tiny-greeting/index.js'), full.sources.join(', '));
  });

  test('a stack trace goes through the source map to the TypeScript line, with the packages mapped or not', async () => {
    const line =
      readFileSync(join(fixture, 'src/handler.ts'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('asked to fail')) + 1;
    // Mapped, the packages' mappings come first and the handler's are rebased after them.
    for (const mapDependencies of [false, true]) {
      const pkg = await buildDeploymentPackage(functionOf('GreetFunction'), { mapDependencies });
      const dir = await unpack(pkg.zip, `stack-${mapDependencies}`);
      const run = spawnSync(
        process.execPath,
        ['--enable-source-maps', '-e', "require('./src/handler.js').handler({ fail: true }).catch((e) => console.log(e.stack))"],
        { cwd: dir, encoding: 'utf8' },
      );
      const file = join(dir, 'src/handler.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(run.stdout, new RegExp(`at (Object\\.)?handler \\(${file}:${line}:`), `mapDependencies: ${mapDependencies}`);
    }
  });

  test('bundling twice gives byte-identical zips, in this process and in two others with other output folders', async () => {
    const first = await buildDeploymentPackage(functionOf('GreetFunction'));
    const second = await buildDeploymentPackage(functionOf('GreetFunction'));
    assert.ok(first.zip.equals(second.zip));
    assert.ok(existsSync(cli), `${cli} exists; run "npm run build" first`);
    const zips = ['one', 'two'].map((name) => {
      const cwd = join(scratch, `process-${name}`);
      mkdirSync(cwd, { recursive: true });
      const out = join(cwd, 'out', `${name}.zip`);
      const result = spawnSync(
        process.execPath,
        [cli, 'bundle', 'GreetFunction', '--template', join(fixture, 'template.yaml'), '--out', out],
        {
          cwd,
          encoding: 'utf8',
        },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`CodeSha256 ${first.codeSha256.replace(/[+/]/g, '\\$&')}`));
      return readFileSync(out);
    });
    assert.ok(zips[0]?.equals(first.zip) && zips[1]?.equals(first.zip));
  });

  test('an ES module handler becomes a .mjs that loads an ES-module-only package and a CommonJS one', async () => {
    const pkg = await buildDeploymentPackage(functionOf('EsmFunction'));
    assert.deepEqual(pkg.files, ['src/esm-handler.mjs', 'src/esm-handler.mjs.map']);
    assert.equal(pkg.format, 'esm');
    assert.equal(pkg.bundle?.target, 'node22');
    const code = readZip(pkg.zip)[0]?.read().toString('utf8') ?? '';
    assert.ok(
      code.startsWith("import { createRequire as __lambdaCreateRequire } from 'node:module';"),
      'the createRequire prelude',
    );
    const dir = await unpack(pkg.zip, 'esm');
    const loaded = (await import(join(dir, 'src/esm-handler.mjs'))) as { handler: (e: unknown) => Promise<unknown> };
    assert.deepEqual(await loaded.handler({ name: 'esm' }), { greeting: 'HELLO, ESM!', esm: true, packageSeesItsUrl: 'file:' });
  });

  test('a package with native code is reported and left external', async () => {
    const pkg = await buildDeploymentPackage(functionOf('NativeFunction'));
    assert.deepEqual(pkg.bundle?.nativeModules, ['fake-native']);
    assert.ok(pkg.bundle?.external.includes('fake-native'));
    assert.match(
      pkg.warnings.join('\n'),
      /fake-native has native code .* left out of the bundle; provide it built for Amazon Linux/,
    );
    assert.match(readZip(pkg.zip)[0]?.read().toString('utf8') ?? '', /require\("fake-native"\)/);
  });

  test('bundleAwsSdk puts the AWS SDK in; without it the bundle requires the runtime’s', async () => {
    const config: FunctionConfig = {
      ...functionOf('GreetFunction'),
      codeDir: join(root, 'test/fixtures/bundle'),
      handler: 'uses-sdk.handler',
    };
    const without = await buildDeploymentPackage(config);
    const withSdk = await buildDeploymentPackage(config, { bundleAwsSdk: true, sourcemap: false });
    assert.match(readZip(without.zip)[0]?.read().toString('utf8') ?? '', /require\("@aws-sdk\/client-s3"\)/);
    assert.ok(withSdk.bundle?.size.contributors.some((c) => c.name === '@aws-sdk/client-s3'));
    assert.deepEqual(withSdk.files, ['uses-sdk.js']);
    assert.deepEqual(withSdk.recommendedEnvironment, {});
  });
});

describe('incremental bundling', () => {
  let project: string;
  before(() => {
    project = join(scratch, 'project');
    cpSync(fixture, project, { recursive: true });
  });

  test('a rebuild after an edit reuses the dependencies, and rebuilds them when the imports change', async () => {
    const bundler = await createIncrementalBundler({
      entry: join(project, 'src/handler.ts'),
      codeRoot: project,
      handlerModule: 'src/handler',
      runtime: 'nodejs20.x',
      minify: false,
      sourcemap: true,
    });
    try {
      const first = await bundler.rebuild();
      writeFileSync(
        join(project, 'src/lib/format.ts'),
        'export const formatReply = (g: string, n: number) => `${g} [edited ${n}]`;\n',
      );
      const second = await bundler.rebuild();
      assert.match(second.files[0]?.segments[1]?.toString('utf8') ?? '', /edited/);
      assert.equal(second.files[0]?.segments[0], first.files[0]?.segments[0], 'the dependency block is the same Buffer');

      mkdirSync(join(project, 'node_modules/tiny-extra'), { recursive: true });
      writeFileSync(join(project, 'node_modules/tiny-extra/index.js'), 'exports.extra = () => "extra";\n');
      writeFileSync(
        join(project, 'src/handler.ts'),
        `${readFileSync(join(project, 'src/handler.ts'), 'utf8')}\nexport { extra } from 'tiny-extra';\n`,
      );
      const third = await bundler.rebuild();
      assert.notEqual(third.files[0]?.segments[0], first.files[0]?.segments[0]);
      assert.match(third.files[0]?.segments[0]?.toString('utf8') ?? '', /"extra"/);
    } finally {
      await bundler.dispose();
    }
  });

  test('watch mode writes the bundle, then rebuilds it when a file changes, and reports a broken edit', async () => {
    const outDir = join(scratch, 'watched');
    const outcomes: (BundleResult | BundleError)[] = [];
    const watched = await watchHandler(
      {
        entry: join(project, 'src/handler.ts'),
        codeRoot: project,
        outDir,
        runtime: 'nodejs20.x',
        minify: false,
        sourcemap: true,
      },
      (outcome) => outcomes.push(outcome),
    );
    try {
      assert.equal(watched.outFile, join(outDir, 'src/handler.js'));
      assert.ok(existsSync(watched.outFile) && existsSync(`${watched.outFile}.map`));
      const waitFor = async (count: number) => {
        for (let i = 0; i < 200 && outcomes.length < count; i++) await new Promise((r) => setTimeout(r, 25));
        return outcomes[count - 1];
      };
      writeFileSync(
        join(project, 'src/lib/format.ts'),
        'export const formatReply = (g: string, n: number) => `${g} [watched ${n}]`;\n',
      );
      const rebuilt = await waitFor(1);
      assert.ok(rebuilt !== undefined && !(rebuilt instanceof Error), rebuilt instanceof Error ? rebuilt.message : 'no rebuild');
      assert.match(readFileSync(watched.outFile, 'utf8'), /watched/);
      writeFileSync(join(project, 'src/lib/format.ts'), 'export const formatReply = (g: string, n: number) => {\n');
      const broken = await waitFor(2);
      assert.ok(broken instanceof BundleError);
      assert.match(broken.message, /format\.ts:\d+:\d+: /);
    } finally {
      await watched.dispose();
      writeFileSync(join(project, 'src/lib/format.ts'), readFileSync(join(fixture, 'src/lib/format.ts')));
    }
  });

  test('a package builder gives the same zip as a build from scratch', async () => {
    const config = functionOf('GreetFunction', join(project, 'template.yaml'));
    const builder = createPackageBuilder(config);
    try {
      await builder.build();
      writeFileSync(join(project, 'src/lib/shout.ts'), 'export const shout = (text: string): string => `${text}!!!`;\n');
      const incremental = await builder.build();
      const scratchBuild = await buildDeploymentPackage(config);
      assert.equal(incremental.codeSha256, scratchBuild.codeSha256);
    } finally {
      await builder.dispose();
    }
  });
});

describe('a Python function packaged for deploy', () => {
  test('its code and its package/ dependencies at the root, without caches and virtual environments', async () => {
    const pkg = await buildDeploymentPackage(functionOf('PyFunction'));
    assert.deepEqual(pkg.files, ['app.py', 'helpers/__init__.py', 'helpers/text.py', 'tinydep/__init__.py']);
    const dir = await unpack(pkg.zip, 'python');
    const venvPython = join(root, '.cache/venv/bin/python');
    const output = execFileSync(
      existsSync(venvPython) ? venvPython : 'python3',
      ['-c', 'import json, app; print(json.dumps(app.handler({"name": "ada lovelace"}, None)))'],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(output), { python: true, dep: '1.2.3', title: 'Ada Lovelace' });
  });

  test('a handler module that does not exist is named before anything is zipped', async () => {
    await assert.rejects(
      buildDeploymentPackage({ ...functionOf('PyFunction'), handler: 'missing.handler' }),
      /names the module missing, but neither missing\.py nor missing\/__init__\.py exists in .*py\. Check the function's Handler and CodeUri\./,
    );
  });
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { BundleError, bundleHandler } from '../../src/core/bundle/bundle';

const fixtures = resolve(__dirname, '../fixtures/bundle');
const outRoot = mkdtempSync(join(tmpdir(), 'lwb-bundle-'));
after(() => {
  rmSync(outRoot, { recursive: true, force: true });
});

const base = { runtime: 'nodejs20.x', minify: false, sourcemap: true, displayRoot: fixtures } as const;

describe('bundleHandler', () => {
  test('bundles a TypeScript handler and its local imports into one runnable CommonJS file', async () => {
    const outDir = join(outRoot, 'ok');
    const result = await bundleHandler({ ...base, entry: join(fixtures, 'handler.ts'), outDir });
    assert.equal(result.outFile, join(outDir, 'handler.js'));
    assert.ok(result.bytes > 0 && result.bytes === readFileSync(result.outFile).length);
    assert.ok(existsSync(`${result.outFile}.map`), 'a linked source map is written');
    const bundled = createRequire(__filename)(result.outFile) as { handler: (e: unknown) => Promise<unknown> };
    assert.deepEqual(await bundled.handler({ name: 'lambda' }), { statusCode: 200, body: 'hello, lambda' });
  });

  test('leaves the AWS SDK out, because every Node.js runtime provides it', async () => {
    const outDir = join(outRoot, 'sdk');
    const result = await bundleHandler({ ...base, entry: join(fixtures, 'uses-sdk.ts'), outDir, sourcemap: false });
    const code = readFileSync(result.outFile, 'utf8');
    assert.match(code, /require\("@aws-sdk\/client-s3"\)/);
    assert.equal(existsSync(`${result.outFile}.map`), false);
  });

  test("a file loader's output (SAM's Loader: .txt=file) is written beside the bundle, in the package too", async () => {
    const outDir = join(outRoot, 'loader');
    const result = await bundleHandler({
      ...base,
      entry: join(fixtures, 'with-asset.ts'),
      outDir,
      loader: { '.txt': 'file' },
      codeRoot: fixtures,
      handlerModule: 'src/with-asset',
    });
    const assets = result.files.map((file) => file.path).filter((path) => path.endsWith('.txt'));
    assert.equal(assets.length, 1, result.files.map((file) => file.path).join(', '));
    const [asset = ''] = assets;
    assert.match(asset, /^src\/greeting-[A-Z0-9]+\.txt$/);
    assert.equal(readFileSync(join(outDir, asset), 'utf8'), readFileSync(join(fixtures, 'greeting.txt'), 'utf8'));
    const bundled = createRequire(__filename)(result.outFile) as { handler: () => Promise<string> };
    assert.equal(await bundled.handler(), join(outDir, asset), 'the bundle names the file where it was written');
  });

  test('reports a syntax error with the file, line and column, and writes nothing', async () => {
    const outDir = join(outRoot, 'broken');
    await assert.rejects(bundleHandler({ ...base, entry: join(fixtures, 'broken.ts'), outDir }), (error: unknown) => {
      assert.ok(error instanceof BundleError);
      assert.match(error.message, /^Bundling broken\.ts failed: broken\.ts:4:\d+: .+\. Fix the code and bundle again\.$/);
      assert.equal(error.problems[0]?.file, join(fixtures, 'broken.ts'));
      return true;
    });
    assert.equal(existsSync(join(outDir, 'broken.js')), false);
  });

  test('names a missing import', async () => {
    await assert.rejects(
      bundleHandler({ ...base, entry: join(fixtures, 'does-not-exist.ts'), outDir: join(outRoot, 'missing') }),
      /Bundling does-not-exist\.ts failed: Could not resolve/,
    );
  });
});

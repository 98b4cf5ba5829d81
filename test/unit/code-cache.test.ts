// V8's code cache for the parser worker's bundle: the first load writes it, the next takes it, and
// a cache that does not fit (corrupt, or of an earlier build) is never used for the wrong code.
// Each load runs in a process of its own: within one process V8 reuses the script it compiled
// before and never reads the cache at all.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import * as esbuild from 'esbuild';

const dir = mkdtempSync(join(tmpdir(), 'lwb-code-cache-'));
const loader = join(dir, 'code-cache.js');
const file = join(dir, 'bundle.js');
const cacheDir = join(dir, 'cache');

before(async () => {
  await esbuild.build({
    entryPoints: [resolve(__dirname, '../../src/core/code-cache.ts')],
    outfile: loader,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
});
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function moduleSource(answer: number): string {
  // Enough functions for the cache to hold something, and a require to check the module's own.
  const helpers = Array.from({ length: 50 }, (_, i) => `function helper${i}(x) { return x + ${i}; }`).join('\n');
  return `${helpers}\nconst { basename } = require('node:path');\nexports.answer = () => helper0(${answer});\nexports.file = basename(__filename);\n`;
}

interface Loaded {
  readonly answer: number;
  readonly file: string;
  readonly fromCache: boolean;
}

/** Loads the bundle in a new process: what it answered, whether the cache was taken; saves the cache when asked. */
function load(options: { cacheDir?: string; save?: boolean } = {}): Loaded {
  const script = `
    const { requireWithCodeCache } = require(${JSON.stringify(loader)});
    const loaded = requireWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(options.cacheDir)});
    if (${options.save === true}) loaded.saveCache();
    console.log(JSON.stringify({ answer: loaded.exports.answer(), file: loaded.exports.file, fromCache: loaded.fromCache }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Loaded;
}

test('the first load writes the cache, the next takes it; corrupt or outdated caches are not used', () => {
  writeFileSync(file, moduleSource(42));
  assert.deepEqual(load({ cacheDir, save: true }), { answer: 42, file: 'bundle.js', fromCache: false });
  const caches = readdirSync(cacheDir);
  assert.equal(caches.length, 1);
  assert.match(caches[0] ?? '', /^bundle\.js-\d+-\d+-v8-.+\.cache$/);
  assert.deepEqual(load({ cacheDir }), { answer: 42, file: 'bundle.js', fromCache: true });

  // A corrupt cache: V8 refuses it and the module is compiled from its source.
  writeFileSync(join(cacheDir, caches[0] ?? ''), Buffer.from('not V8 bytecode'));
  assert.deepEqual(load({ cacheDir, save: true }), { answer: 42, file: 'bundle.js', fromCache: false });
  assert.equal(load({ cacheDir }).fromCache, true, 'a good cache replaced the corrupt one');

  // A rebuilt bundle of the very same length: V8 alone would take the old bytecode (it checks the
  // length only); the cache's name (size and time) keeps them apart, and the old cache goes.
  writeFileSync(file, moduleSource(43));
  const later = new Date(Date.now() + 5000);
  utimesSync(file, later, later);
  assert.deepEqual(load({ cacheDir, save: true }), { answer: 43, file: 'bundle.js', fromCache: false });
  assert.equal(readdirSync(cacheDir).length, 1, 'the cache of the earlier build is removed');
  assert.deepEqual(load({ cacheDir }), { answer: 43, file: 'bundle.js', fromCache: true });
});

test('without a cache folder the module loads and saving does nothing', () => {
  writeFileSync(file, moduleSource(7));
  assert.deepEqual(load({ save: true }), { answer: 7, file: 'bundle.js', fromCache: false });
  assert.deepEqual(
    readdirSync(dir).filter((name) => name !== 'cache'),
    ['bundle.js', 'code-cache.js'],
  );
});

test('a cache folder, or a cache file, others can write is neither read nor written: bytecode is code', () => {
  writeFileSync(file, moduleSource(9));
  const shared = join(dir, 'shared-cache');
  assert.deepEqual(load({ cacheDir: shared, save: true }), { answer: 9, file: 'bundle.js', fromCache: false });
  assert.equal(load({ cacheDir: shared }).fromCache, true);
  // Someone (another user, a careless chmod) can now replace the bytecode the next start runs.
  const [cache] = readdirSync(shared);
  chmodSync(join(shared, cache ?? ''), 0o666);
  assert.equal(load({ cacheDir: shared }).fromCache, false, 'a cache file others can write is not loaded');
  chmodSync(join(shared, cache ?? ''), 0o644);
  chmodSync(shared, 0o777);
  assert.equal(load({ cacheDir: shared }).fromCache, false, 'nothing is read from a folder others can write');
  rmSync(join(shared, cache ?? ''));
  assert.deepEqual(load({ cacheDir: shared, save: true }), { answer: 9, file: 'bundle.js', fromCache: false });
  assert.deepEqual(readdirSync(shared), [], 'nor written into it');
});

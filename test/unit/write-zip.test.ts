// The deterministic zip writer, read back by this project's reader and by another implementation
// (Python's zipfile): same files, same bytes, whatever the order they come in or the segments
// they are given as.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { readZip } from '../../src/core/zip/read-zip';
import { codeSha256, DeflateCache, writeZip, type ZipFileEntry } from '../../src/core/zip/write-zip';

const scratch = mkdtempSync(join(tmpdir(), 'lwb-write-zip-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const venvPython = resolve(__dirname, '../../.cache/venv/bin/python');
const python = existsSync(venvPython) ? venvPython : 'python3';

const handler = Buffer.from('export const handler = async (event) => ({ ok: true, event });\n'.repeat(40));
const entries: ZipFileEntry[] = [
  { path: 'src/handler.mjs', data: handler },
  { path: 'bootstrap', data: Buffer.from('#!/bin/sh\nexec ./app\n'), executable: true },
  { path: 'README.md', data: Buffer.from('') },
  { path: 'assets/noise.bin', data: randomBytes(2048) },
  { path: 'docs/ünïcödé.txt', data: Buffer.from('names are UTF-8\n') },
];

/** What Python's zipfile reads from an archive: its check, and per entry the fields that must be fixed. */
function readWithPython(zip: Buffer): {
  bad: string | null;
  entries: { name: string; date: number[]; mode: number; method: number; extra: string; size: number; sha: string }[];
} {
  const path = join(scratch, `${createHash('sha1').update(zip).digest('hex')}.zip`);
  writeFileSync(path, zip);
  const script = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    print(json.dumps({
        "bad": archive.testzip(),
        "entries": [{
            "name": info.filename, "date": list(info.date_time), "mode": info.external_attr >> 16,
            "method": info.compress_type, "extra": info.extra.hex(), "size": info.file_size,
            "sha": hashlib.sha256(archive.read(info)).hexdigest(),
        } for info in archive.infolist()],
    }))
`;
  return JSON.parse(execFileSync(python, ['-c', script, path], { encoding: 'utf8' })) as ReturnType<typeof readWithPython>;
}

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('writeZip', () => {
  test('the same files give the same bytes and CodeSha256, whatever their order', async () => {
    const first = await writeZip(entries);
    const second = await writeZip([...entries].reverse());
    assert.ok(first.equals(second));
    assert.equal(codeSha256(first), createHash('sha256').update(first).digest('base64'));
    assert.equal(codeSha256(first), codeSha256(second));
  });

  test('entries are sorted, dated 1980-01-01 00:00, 0644 or 0755, with no extra field (read by Python)', async () => {
    const zip = await writeZip(entries);
    const read = readWithPython(zip);
    assert.equal(read.bad, null, 'every CRC checks');
    assert.deepEqual(
      read.entries.map((e) => e.name),
      ['README.md', 'assets/noise.bin', 'bootstrap', 'docs/ünïcödé.txt', 'src/handler.mjs'],
    );
    for (const entry of read.entries) {
      assert.deepEqual(entry.date, [1980, 1, 1, 0, 0, 0], entry.name);
      assert.equal(entry.extra, '', entry.name);
      assert.equal(entry.mode, entry.name === 'bootstrap' ? 0o100755 : 0o100644, entry.name);
    }
    const byName = new Map(read.entries.map((e) => [e.name, e]));
    assert.equal(byName.get('src/handler.mjs')?.method, 8, 'text is deflated');
    assert.equal(byName.get('assets/noise.bin')?.method, 0, 'what deflate cannot shrink is stored');
    assert.equal(byName.get('README.md')?.method, 0, 'an empty file is stored');
    assert.equal(byName.get('src/handler.mjs')?.sha, sha(handler));
  });

  test("this project's reader reads it back, modes included", async () => {
    const read = readZip(await writeZip(entries));
    assert.deepEqual(
      read.map((e) => [e.path, e.mode, e.read().length]),
      [
        ['README.md', 0o644, 0],
        ['assets/noise.bin', 0o644, 2048],
        ['bootstrap', 0o755, entries[1]?.data instanceof Uint8Array ? entries[1].data.length : -1],
        ['docs/ünïcödé.txt', 0o644, 16],
        ['src/handler.mjs', 0o644, handler.length],
      ],
    );
  });

  test('a file given as segments is one deflate stream, large segments in chunks; cached segments give the same bytes again', async () => {
    // Over 256 KB: compressed in chunks on several threads.
    const head = Buffer.from(Array.from({ length: 30_000 }, (_, i) => `const dependency${i} = ${i * 7};\n`).join(''));
    assert.ok(head.length > 600 * 1024);
    const tail = Buffer.from('exports.handler = async () => dependencies;\n');
    const cache = new DeflateCache();
    const segmented = await writeZip([{ path: 'index.js', data: [head, tail] }], cache);
    const again = await writeZip([{ path: 'index.js', data: [head, Buffer.from(tail)] }], cache);
    assert.ok(segmented.equals(again), 'the same segments, cached or not, give the same bytes');
    const [entry] = readZip(segmented);
    assert.ok(entry?.read().equals(Buffer.concat([head, tail])));
    const read = readWithPython(segmented);
    assert.equal(read.bad, null);
    assert.equal(read.entries[0]?.sha, sha(Buffer.concat([head, tail])));
  });

  test('paths that are not relative, and duplicates, are refused', async () => {
    for (const path of ['/etc/passwd', '../outside.js', 'a//b.js', 'dir\\file.js', 'C:/x.js', '']) {
      await assert.rejects(writeZip([{ path, data: Buffer.from('x') }]), /cannot be a file of a deployment package/, path);
    }
    await assert.rejects(
      writeZip([
        { path: 'a.js', data: Buffer.from('1') },
        { path: 'a.js', data: Buffer.from('2') },
      ]),
      /Two files of the deployment package have the same path, a\.js\./,
    );
  });
});

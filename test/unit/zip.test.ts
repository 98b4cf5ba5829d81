// The zip reader against archives written by another implementation (Python's zipfile), including
// hostile ones: entries that climb out of the folder, symbolic links, damaged data.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { extractZip, readZip } from '../../src/core/zip/read-zip';

const scratch = mkdtempSync(join(tmpdir(), 'lwb-zip-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Builds a zip with Python: each entry is [name, text, unix mode, compressed?]. */
function pythonZip(name: string, entries: [string, string, number, boolean][]): Buffer {
  const path = join(scratch, name);
  const script = `
import json, sys, zipfile
entries = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], 'w') as archive:
    for name, text, mode, deflate in entries:
        info = zipfile.ZipInfo(name)
        info.create_system = 3
        info.external_attr = mode << 16
        info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
        archive.writestr(info, text)
`;
  execFileSync('python3', ['-c', script, path, JSON.stringify(entries)]);
  return readFileSync(path);
}

describe('readZip and extractZip', () => {
  test('unpacks stored and deflated entries, nested folders and the executable bit', async () => {
    const zip = pythonZip('good.zip', [
      ['index.mjs', 'export const handler = async () => "ok";\n'.repeat(50), 0o100644, true],
      ['lib/util/strings.js', 'module.exports = {};', 0o100644, false],
      ['bin/', '', 0o40755, false],
      ['bin/tool', '#!/bin/sh\necho hi\n', 0o100755, true],
    ]);
    const entries = readZip(zip);
    assert.deepEqual(
      entries.map((e) => e.path),
      ['index.mjs', 'lib/util/strings.js', 'bin/', 'bin/tool'],
    );
    const folder = join(scratch, 'good');
    const result = await extractZip(zip, folder);
    assert.equal(result.files, 3);
    assert.equal(readFileSync(join(folder, 'index.mjs'), 'utf8'), 'export const handler = async () => "ok";\n'.repeat(50));
    assert.equal(readFileSync(join(folder, 'lib/util/strings.js'), 'utf8'), 'module.exports = {};');
    assert.equal(statSync(join(folder, 'bin/tool')).mode & 0o111, 0o111, 'the tool stays executable');
    assert.deepEqual(
      readdirSync(scratch).filter((f) => f.includes('.partial-')),
      [],
      'no staging folder is left behind',
    );
  });

  test('an entry that climbs out of the folder stops everything before anything is written', async () => {
    const zip = pythonZip('slip.zip', [
      ['ok.txt', 'fine', 0o100644, false],
      ['../../escaped.txt', 'gotcha', 0o100644, false],
    ]);
    const folder = join(scratch, 'slip');
    await assert.rejects(extractZip(zip, folder), /points outside the folder/);
    assert.equal(existsSync(folder), false);
    assert.equal(existsSync(join(scratch, '..', 'escaped.txt')), false);
    assert.deepEqual(
      readdirSync(scratch).filter((f) => f.includes('.partial-')),
      [],
    );
  });

  test('symbolic links are listed, not recreated', async () => {
    const zip = pythonZip('link.zip', [
      ['real.txt', 'data', 0o100644, false],
      ['link.txt', '/etc/passwd', 0o120777, false],
    ]);
    const folder = join(scratch, 'link');
    const result = await extractZip(zip, folder);
    assert.deepEqual(result.skippedLinks, ['link.txt']);
    assert.equal(existsSync(join(folder, 'link.txt')), false);
  });

  test('an existing folder is never overwritten', async () => {
    const zip = pythonZip('again.zip', [['a.txt', 'a', 0o100644, false]]);
    const folder = join(scratch, 'again');
    await extractZip(zip, folder);
    await assert.rejects(extractZip(zip, folder), /already exists/);
  });

  test('damaged data and non-zip input are reported, and leave nothing behind', async () => {
    const zip = pythonZip('damaged.zip', [['a.txt', 'some text that will be damaged', 0o100644, false]]);
    const damaged = Buffer.from(zip);
    damaged[40] = (damaged[40] ?? 0) ^ 0xff; // inside the stored data of a.txt
    const folder = join(scratch, 'damaged');
    await assert.rejects(extractZip(damaged, folder), /checksum of a\.txt does not match/);
    assert.equal(existsSync(folder), false);
    assert.throws(() => readZip(Buffer.from('not a zip at all')), /not a zip archive/);
  });
});

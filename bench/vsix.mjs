// The packaged .vsix the code-server benchmarks install, checked for completeness: a build that
// runs while vsce collects files can leave files out.
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { packagedVsixPath, projectRoot } from '../test/support/vscode.mjs';

/** The newest modification time among the files under `path` (a file or a folder). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** The names of the entries of a zip archive, from its central directory. */
function zipEntryNames(zip) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) return new Set();
  const names = new Set();
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10) && zip.readUInt32LE(at) === 0x02014b50; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    names.add(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names;
}

/** What the extension needs from a .vsix; a build running while vsce collects files can leave some out. */
function missingFrom(vsix) {
  const names = zipEntryNames(readFileSync(vsix));
  const missing = [
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/features.js',
    'extension/dist/vendor/client-lambda.mjs',
    'extension/dist/vendor/credential-providers.mjs',
  ].filter((name) => !names.has(name));
  if (![...names].some((name) => name.startsWith('extension/dist/vendor/chunks/'))) missing.push('extension/dist/vendor/chunks/');
  return missing;
}

/**
 * A private copy of the linux-x64 .vsix the UI tier installs, checked for what the view needs. The
 * one at the project root is reused when newer than the build and its sources, else packaged; the
 * UI tier packages to the same path, so a copy taken at once is what gets installed.
 */
export function packagedVsix(dir) {
  const vsix = packagedVsixPath;
  const copy = join(dir, basename(vsix));
  const inputs = ['dist', 'src', 'package.json', 'media', 'snippets'].map((p) => newestMtime(join(projectRoot, p)));
  let reuse = existsSync(vsix) && statSync(vsix).mtimeMs > Math.max(...inputs);
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (reuse) {
      console.log(`using ${vsix} (newer than dist/ and src/)`);
    } else {
      console.log(`packaging ${vsix}...`);
      try {
        execFileSync(process.execPath, ['esbuild.mjs', '--package', '--target', 'linux-x64'], {
          cwd: projectRoot,
          stdio: 'pipe',
          encoding: 'utf8',
        });
      } catch (error) {
        throw new Error(`Packaging the extension failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`, { cause: error });
      }
    }
    copyFileSync(vsix, copy);
    const missing = missingFrom(copy);
    if (missing.length === 0) return copy;
    console.log(`${basename(vsix)} lacks ${missing.join(', ')} (another build ran while it was packaged?); packaging again`);
    reuse = false;
  }
  throw new Error(`Three packagings of ${vsix} in a row lacked files the extension needs.`);
}

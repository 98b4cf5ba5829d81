// `npm run setup`: installs, once and idempotently, the tools the test tiers and `npm run demo`
// need and npm ci does not provide: Debian's Chromium (plus ripgrep and the Kerberos headers that
// code-server's install needs), and code-server in the ignored folder .cache/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath, codeServerHome, projectRoot } from './vscode.mjs';

const CODE_SERVER_VERSION = '4.100.3'; // VS Code 1.100.3; later versions need Node 22.
// code-server's ripgrep dependency downloads this archive in its postinstall; the machine has no
// internet, so the cache it looks in first is seeded with Debian's ripgrep.
const RIPGREP_CACHE = join(tmpdir(), 'vscode-ripgrep-cache-1.15.11');
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

function run(command, args, options = {}) {
  console.log(`setup: ${command} ${args.join(' ')}`);
  execFileSync(command, args, { stdio: 'inherit', ...options });
}

function hasDebianPackage(name) {
  try {
    const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { stdio: ['ignore', 'pipe', 'ignore'] });
    return status.toString().includes('install ok installed');
  } catch {
    return false;
  }
}

function ensureDebianPackages() {
  const needed = [
    ['chromium', () => existsSync(chromiumPath)],
    ['ripgrep', () => existsSync('/usr/bin/rg')],
    ['libkrb5-dev', () => hasDebianPackage('libkrb5-dev')],
  ]
    .filter(([, present]) => !present())
    .map(([name]) => name);
  if (needed.length === 0) return;
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  if (!asRoot && !existsSync('/usr/bin/sudo')) {
    throw new Error(
      `setup needs the Debian packages ${needed.join(', ')}. Install them as root: apt-get install -y ${needed.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [cmd, ...rest] = [...prefix, 'apt-get'];
  run(cmd, [...rest, 'update', '-qq'], { env });
  run(cmd, [...rest, 'install', '-y', '-qq', '--no-install-recommends', ...needed], { env });
}

function ensureCodeServer() {
  const marker = join(codeServerHome, 'lib/vscode/node_modules/@vscode/ripgrep/bin/rg');
  if (existsSync(join(codeServerHome, 'out/node/entry.js')) && existsSync(marker)) return;
  mkdirSync(RIPGREP_CACHE, { recursive: true });
  if (!existsSync(join(RIPGREP_CACHE, RIPGREP_ARCHIVE))) {
    const staging = mkdtempSync(join(tmpdir(), 'lwb-rg-'));
    copyFileSync('/usr/bin/rg', join(staging, 'rg'));
    run('tar', ['czf', join(RIPGREP_CACHE, RIPGREP_ARCHIVE), '-C', staging, 'rg']);
    rmSync(staging, { recursive: true, force: true });
  }
  // Install next to the final folder and move it in place only when complete, so an interrupted
  // install is never mistaken for a finished one.
  const cache = join(projectRoot, '.cache');
  const partial = join(cache, 'code-server.partial');
  const final = join(cache, 'code-server');
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  run('npm', ['install', '--prefix', partial, '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
  });
  rmSync(final, { recursive: true, force: true });
  renameSync(partial, final);
}

const started = Date.now();
ensureDebianPackages();
ensureCodeServer();
console.log(`setup: test tools ready (${((Date.now() - started) / 1000).toFixed(1)} s).`);

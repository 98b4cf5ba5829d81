// `npm run setup`: installs, once and idempotently, the tools the test tiers and `npm run demo`
// need and npm ci does not provide, all into the ignored folder .cache/ or from Debian:
//   - Debian's Chromium, plus ripgrep and the Kerberos headers code-server's install needs, and
//     the autotools that build the official Node.js runtime client's native addon;
//   - code-server (a real VS Code);
//   - a Python venv with the official Python runtime client, the AWS CLI and moto;
//   - the official Node.js runtime client (npm aws-lambda-ric);
//   - the official Java runtime client and its dependencies (Maven), when Maven is on the machine;
//   - the AWS CDK's library (aws-cdk-lib, constructs, and the esbuild its NodejsFunction bundles
//     with), to synthesize the CDK fixture app as `cdk synth` does, and the CDK CLI (aws-cdk), the
//     app's own CDK that `--synth` runs.
// Go, for the Go runtime client's conformance test, comes with the machine (or Debian's golang-go).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath, codeServerHome, projectRoot } from './vscode.mjs';

const CODE_SERVER_VERSION = '4.100.3'; // VS Code 1.100.3; later versions need Node 22.
// 3.3.0 is the last release that runs on Node.js 20; 4.x needs Node.js 22.
const NODE_RIC_VERSION = '3.3.0';
const cache = join(projectRoot, '.cache');
export const venvPython = join(cache, 'venv/bin/python');
export const nodeRicHome = join(cache, 'ric-node/node_modules/aws-lambda-ric');
export const javaRicLib = join(cache, 'java-ric');
export const cdkHome = join(cache, 'cdk');
const CDK_PACKAGES = ['aws-cdk-lib@2.278.0', 'constructs@10.8.1', 'esbuild@0.28.2', 'aws-cdk@2.1149.0'];
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
  const onPath = (name) => ['/usr/bin', '/usr/local/bin', '/usr/local/go/bin'].some((dir) => existsSync(join(dir, name)));
  const needed = [
    ['chromium', () => existsSync(chromiumPath)],
    ['ripgrep', () => existsSync('/usr/bin/rg')],
    ['libkrb5-dev', () => hasDebianPackage('libkrb5-dev')],
    ...['autoconf', 'automake', 'libtool', 'make', 'cmake'].map((name) => [
      name,
      () => onPath(name === 'libtool' ? 'libtoolize' : name),
    ]),
    ['g++', () => onPath('g++')],
    ['golang-go', () => onPath('go')],
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
  installInto(join(cache, 'code-server'), (partial) =>
    run('npm', ['install', '--prefix', partial, '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
      env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
    }),
  );
}

/**
 * Installs into a folder next to `final` and moves it in place only when complete, so an
 * interrupted install is never mistaken for a finished one.
 */
function installInto(final, install) {
  const partial = `${final}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  install(partial);
  rmSync(final, { recursive: true, force: true });
  renameSync(partial, final);
}

function ensurePythonTools() {
  const requirements = join(projectRoot, 'test/support/requirements.txt');
  const stamp = join(cache, 'venv/.requirements');
  const wanted = readFileSync(requirements, 'utf8');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  // A venv records its own path, so it is built in place (and rebuilt from scratch if interrupted).
  rmSync(join(cache, 'venv'), { recursive: true, force: true });
  run('python3', ['-m', 'venv', join(cache, 'venv')]);
  run(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
  writeFileSync(stamp, wanted);
}

function ensureNodeRuntimeClient() {
  if (existsSync(join(nodeRicHome, 'dist/rapid-client.node')) || existsSync(join(nodeRicHome, 'build/Release/rapid-client.node')))
    return;
  // Its install builds curl and the C++ runtime client from source (about 2 minutes).
  installInto(join(cache, 'ric-node'), (partial) =>
    run('npm', ['install', '--prefix', partial, '--no-audit', '--no-fund', `aws-lambda-ric@${NODE_RIC_VERSION}`], {
      env: { ...process.env, npm_config_yes: 'true' },
    }),
  );
}

function ensureJavaRuntimeClient() {
  const pom = join(projectRoot, 'test/support/java-ric/pom.xml');
  const stamp = join(javaRicLib, '.pom');
  const wanted = readFileSync(pom, 'utf8');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  const onPath = (name) => (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, name)));
  if (!onPath('mvn') || !onPath('javac')) {
    console.log('setup: no Maven or JDK here; the Java runtime client conformance test will say so and stop.');
    return;
  }
  installInto(javaRicLib, (partial) =>
    run('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`]),
  );
  writeFileSync(stamp, wanted);
}

function ensureCdk() {
  const stamp = join(cdkHome, '.packages');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === CDK_PACKAGES.join('\n')) return;
  installInto(cdkHome, (partial) =>
    run('npm', ['install', '--prefix', partial, '--no-audit', '--no-fund', '--no-save', ...CDK_PACKAGES], {
      env: { ...process.env, npm_config_yes: 'true' },
    }),
  );
  writeFileSync(stamp, CDK_PACKAGES.join('\n'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  ensureDebianPackages();
  ensureCodeServer();
  ensurePythonTools();
  ensureNodeRuntimeClient();
  ensureJavaRuntimeClient();
  ensureCdk();
  console.log(`setup: test tools ready (${((Date.now() - started) / 1000).toFixed(1)} s).`);
}

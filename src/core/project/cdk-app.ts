// An AWS CDK app beside its cloud assembly: where `cdk synth` writes it (cdk.json's `output`),
// whether it is older than the app's sources, and running the app's own CDK CLI to write it again.
// The assembly is what gets served, so one written before the last change serves the old code.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { WorkbenchError } from '../errors';
import { CLOUD_ASSEMBLY_MANIFEST } from '../discovery/cloud-assembly';
import { isSkippedFolder } from '../discovery/source-files';
import type { DiscoveryProblem } from '../discovery/types';

export const CDK_APP_FILE = 'cdk.json';

/** Files of an app whose changes do not change what it synthesizes (or that synthesizing writes). */
const NOT_SOURCES = new Set(['cdk.context.json', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'tsconfig.tsbuildinfo']);
const NOT_SOURCE_EXTENSIONS = new Set(['.md', '.map', '.log']);
/** Folders of tests, which `cdk watch` leaves out too: they never feed the assembly. */
const TEST_FOLDERS = new Set(['test', 'tests']);

/** The CDK app a command means: the one whose assembly `--cdk-out` names, else the folder's. */
export function cdkAppFolder(folder: string, cdkOut: string | undefined): string {
  return cdkOut === undefined ? folder : dirname(resolve(folder, cdkOut));
}

/** The cloud assembly folder of the app in `appFolder`: cdk.json's `output`, else cdk.out. */
export function assemblyFolderOf(appFolder: string): string {
  try {
    const settings = JSON.parse(readFileSync(join(appFolder, CDK_APP_FILE), 'utf8')) as { output?: unknown };
    if (typeof settings.output === 'string' && settings.output !== '') return resolve(appFolder, settings.output);
  } catch {
    // An unreadable cdk.json is the CDK CLI's to report when it runs; the default folder is read meanwhile.
  }
  return resolve(appFolder, 'cdk.out');
}

/**
 * A problem when a source of the app changed after the assembly was written, located at the most
 * recently changed one; none when the assembly is newer or the app's folder is not beside it.
 */
export function staleAssemblyProblem(appFolder: string, assemblyFolder: string): DiscoveryProblem | undefined {
  const written = statSync(join(assemblyFolder, CLOUD_ASSEMBLY_MANIFEST), { throwIfNoEntry: false })?.mtimeMs;
  if (written === undefined) return undefined;
  const newest = newestSource(appFolder, assemblyFolder);
  if (newest === undefined || newest.mtimeMs <= written) return undefined;
  const shown = relative(appFolder, assemblyFolder);
  return {
    file: newest.file,
    line: 1,
    column: 0,
    message:
      `${relative(appFolder, newest.file)} changed after ${shown} was synthesized, so the functions are as the last "cdk synth" wrote them. ` +
      `Run "cdk synth" again (or pass --synth, which runs this app's own CDK first).`,
  };
}

function newestSource(appFolder: string, assemblyFolder: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedFolder(entry.name) && !TEST_FOLDERS.has(entry.name) && path !== assemblyFolder) visit(path);
      } else if (entry.isFile() && isSource(entry.name)) {
        const mtimeMs = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
        if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { file: path, mtimeMs };
      }
    }
  };
  visit(appFolder);
  return newest;
}

function isSource(name: string): boolean {
  return !NOT_SOURCES.has(name) && !NOT_SOURCE_EXTENSIONS.has(extname(name)) && !name.endsWith('.d.ts');
}

/** The app's own CDK CLI: node_modules/.bin/cdk in its folder or a folder above (a monorepo's root). */
export function appCdkCli(appFolder: string): string | undefined {
  for (let dir = appFolder; ; dir = dirname(dir)) {
    const cli = join(dir, 'node_modules', '.bin', process.platform === 'win32' ? 'cdk.cmd' : 'cdk');
    if (statSync(cli, { throwIfNoEntry: false })?.isFile() === true) return cli;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Runs `cdk synth` of the app with its own CDK CLI, its output passed to `output` as it comes.
 * Fails with the reason and the next step when there is no app, no CLI, or the synth fails.
 */
export async function synthesizeApp(appFolder: string, output: (chunk: string) => void): Promise<void> {
  if (statSync(join(appFolder, CDK_APP_FILE), { throwIfNoEntry: false })?.isFile() !== true) {
    throw new WorkbenchError(
      `--synth runs a CDK app's "cdk synth", but ${appFolder} has no ${CDK_APP_FILE}. Run it in the app's folder.`,
    );
  }
  const cli = appCdkCli(appFolder);
  if (cli === undefined) {
    throw new WorkbenchError(
      `The CDK app in ${appFolder} has no CDK CLI in its node_modules. Install it ("npm install --save-dev aws-cdk"), or run "npx cdk synth" yourself.`,
    );
  }
  const code = await new Promise<number | null>((resolve, reject) => {
    // `--quiet`: the templates are read from the assembly, not from the terminal. `--no-notices`:
    // notices are fetched from the internet at each run; the user's own cdk commands show them.
    // On Windows the CLI is a .cmd script, which only a shell runs.
    const windows = process.platform === 'win32';
    const child = spawn(windows ? `"${cli}"` : cli, ['synth', '--quiet', '--no-notices'], {
      cwd: appFolder,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: windows,
    });
    child.stdout.setEncoding('utf8').on('data', output);
    child.stderr.setEncoding('utf8').on('data', output);
    child.on('error', (error) => reject(new WorkbenchError(`Cannot run ${cli}: ${error.message}.`, { cause: error })));
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new WorkbenchError(
      `"cdk synth" of ${appFolder} failed (exit code ${String(code)}); its output is above. Fix the app, then try again.`,
    );
  }
}

// The files of a function that is deployed as its folder is (Python, custom runtimes), read into
// memory for the zip writer, without what only serves development.
//
// Python's dependencies: Lambda puts the package root on sys.path, so dependencies must sit at the
// root of the zip. They are found by one rule:
//   1. everything in the code folder goes in at its own path: dependencies installed into it
//      (`pip install -r requirements.txt -t .`), and a `vendor/` folder that the code itself adds
//      to sys.path, are deployed as they are;
//   2. a `package/` or `python/` folder of the code folder that is not itself a Python package (no
//      `__init__.py`) holds installed dependencies (`pip install -t package`, as AWS's guide does;
//      `python/` as a layer lays them out): its contents go to the zip's root;
//   3. a dependencies folder named by the caller (anywhere) goes to the zip's root the same way.
// When a file is both the function's and a dependency's, the function's is kept and a warning says so.
import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { WorkbenchError } from '../errors';
import { MAX_UNZIPPED_BYTES } from '../zip/read-zip';
import { entrySize, type ZipFileEntry } from '../zip/write-zip';

/** Folders and files that never belong in a deployment package. */
export const EXCLUDED_NAMES: ReadonlySet<string> = new Set([
  '__pycache__',
  '.venv',
  'venv',
  '.git',
  '.pytest_cache',
  'node_modules',
  '.aws-sam',
  '.lambda',
]);
const EXCLUDED_EXTENSIONS = ['.pyc', '.pyo'];
/** Folders of the code folder whose contents are Python dependencies for the zip's root (rule 2). */
export const PYTHON_DEPENDENCY_FOLDERS = ['package', 'python'];

export interface CodeFolderOptions {
  readonly language: 'python' | 'custom';
  /** A folder of installed dependencies to put at the zip's root (rule 3). */
  readonly dependenciesDir?: string;
}

export interface CodeFolderFiles {
  readonly entries: readonly ZipFileEntry[];
  readonly unzippedBytes: number;
  readonly warnings: readonly string[];
}

export async function readCodeFolder(codeDir: string, options: CodeFolderOptions): Promise<CodeFolderFiles> {
  const warnings: string[] = [];
  const byPath = new Map<string, ZipFileEntry>();
  const dependencyRoots: string[] = [];
  if (options.language === 'python') {
    for (const name of PYTHON_DEPENDENCY_FOLDERS) {
      const dir = join(codeDir, name);
      if ((await isDirectory(dir)) && !(await isFile(join(dir, '__init__.py')))) dependencyRoots.push(dir);
    }
  }
  if (options.dependenciesDir !== undefined) {
    if (!(await isDirectory(options.dependenciesDir))) {
      throw new WorkbenchError(
        `The dependencies folder ${options.dependenciesDir} does not exist. Install the dependencies into it (pip install -r requirements.txt -t <folder>), or leave the option out.`,
      );
    }
    dependencyRoots.push(options.dependenciesDir);
  }
  await collect(codeDir, codeDir, new Set(dependencyRoots), byPath, new Set());
  for (const root of dependencyRoots) {
    const dependencies = new Map<string, ZipFileEntry>();
    await collect(root, root, new Set(), dependencies, new Set());
    for (const [path, entry] of dependencies) {
      if (byPath.has(path)) {
        warnings.push(`${path} is both in the function's code and in ${basename(root)}/; the function's own file is deployed.`);
      } else {
        byPath.set(path, entry);
      }
    }
  }
  const entries = [...byPath.values()];
  const unzippedBytes = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (entries.length === 0) {
    throw new WorkbenchError(`${codeDir} has no files to deploy. Check the function's CodeUri.`);
  }
  if (unzippedBytes > MAX_UNZIPPED_BYTES) {
    throw new WorkbenchError(
      `The code of ${codeDir} takes ${Math.round(unzippedBytes / 1024 / 1024)} MB, over Lambda's 250 MB limit for unzipped code. ` +
        'Move large dependencies into a layer, or leave out what the function does not need.',
    );
  }
  return { entries, unzippedBytes, warnings };
}

async function collect(
  root: string,
  dir: string,
  skip: ReadonlySet<string>,
  into: Map<string, ZipFileEntry>,
  visited: Set<string>,
): Promise<void> {
  // Symbolic links are followed; a folder reached twice (a link cycle) is read once.
  const real = await realpath(dir);
  if (visited.has(real)) return;
  visited.add(real);
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (EXCLUDED_NAMES.has(name) || EXCLUDED_EXTENSIONS.some((extension) => name.endsWith(extension))) continue;
    const path = join(dir, name);
    if (skip.has(path)) continue;
    let info;
    try {
      info = await stat(path);
    } catch {
      // A dangling link: nothing to deploy behind it.
      if ((await lstat(path)).isSymbolicLink()) continue;
      throw new WorkbenchError(`${path} could not be read. Check its permissions, then try again.`);
    }
    if (info.isDirectory()) {
      await collect(root, path, skip, into, visited);
    } else if (info.isFile()) {
      into.set(relative(root, path).split(sep).join('/'), {
        path: relative(root, path).split(sep).join('/'),
        data: await readFile(path),
        // A custom runtime's bootstrap must be executable, whatever the file system (Windows) says.
        executable: name === 'bootstrap' || (info.mode & 0o100) !== 0,
      });
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

// Cache folders and files only this user can change. A V8 startup snapshot or code cache is code
// that runs as the user who loads it, so a cache another local user could write (one created first
// under a predictable name in the shared temporary folder, say) would let them run code as this
// user. Caches are used only when this user owns them and nobody else can write to them.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

export interface PrivateDir {
  readonly path: string;
  /** Why the folder asked for was refused, when a fresh private folder is used instead; remove that one when done. */
  readonly refused?: string;
}

/**
 * Why `path` is not private to this user, as a sentence, or undefined when it is: a real folder or
 * file (not a symbolic link), owned by this user, writable by no one else. Always private where
 * there are no user ids (Windows keeps a temporary folder per user).
 */
export function whyNotPrivate(path: string, stats?: Stats): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  let info: Stats;
  try {
    info = stats ?? lstatSync(path);
  } catch (error) {
    return `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  if (info.isSymbolicLink()) return `${path} is a symbolic link`;
  if (info.uid !== uid) return `${path} belongs to user id ${info.uid}, not to this user (${uid})`;
  if ((info.mode & 0o022) !== 0) {
    return `${path} can be written by ${(info.mode & 0o002) !== 0 ? 'every user' : 'its group'} (mode ${(info.mode & 0o777).toString(8)})`;
  }
  return undefined;
}

/**
 * Creates `path` and any missing folder between `root` and it with mode 0700, and checks each of
 * them; `root` itself is trusted (the system's temporary folder, with its sticky bit, or the
 * editor's storage) and created if missing. Returns why a folder was refused, or undefined.
 */
export function makePrivateDir(path: string, root: string): string | undefined {
  try {
    mkdirSync(root, { recursive: true });
  } catch (error) {
    return `${root} cannot be created (${(error as Error).message})`;
  }
  const steps = relative(root, path)
    .split(sep)
    .filter((step) => step !== '');
  let current = root;
  for (const step of steps) {
    current = join(current, step);
    try {
      mkdirSync(current, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return `${current} cannot be created (${(error as Error).message})`;
    }
    const problem = whyNotPrivate(current);
    if (problem !== undefined) return problem;
    // Ours: made private even if an earlier version created it readable by others.
    tighten(current);
  }
  return undefined;
}

/**
 * A private folder at `path` (see makePrivateDir), or, when that one is refused, a fresh private
 * folder in the temporary folder, which the caller removes when done.
 */
export function privateDir(path: string, root: string = tmpdir()): PrivateDir {
  const problem = makePrivateDir(path, root);
  if (problem === undefined) return { path };
  // mkdtemp makes a new folder with mode 0700 under a name no one can guess.
  return { path: mkdtempSync(join(tmpdir(), 'lambda-workbench-private-')), refused: `${problem}, so it is not used` };
}

function tighten(path: string): void {
  try {
    if ((lstatSync(path).mode & 0o077) !== 0) chmodSync(path, 0o700);
  } catch {
    // Checked above; a folder that vanished meanwhile is found again by the next use.
  }
}

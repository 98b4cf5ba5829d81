// Saved test events: one JSON file per event under `.lambda/events/<function>/<name>.json` in the
// workspace, so a team shares them through git. Writes are atomic (a temporary file renamed into
// place), so a crash or two editors saving at once never leave a half-written event.
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import { link, mkdir, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../errors';
import { describeJsonError, parseJsonText } from '../json-text';

export interface SavedEvent {
  readonly functionName: string;
  readonly name: string;
  readonly path: string;
  /** The event; absent when the file is not valid JSON. */
  readonly event?: unknown;
  /** Why the file could not be read as an event, with line and column. */
  readonly error?: string;
}

/** Where saved events live, relative to a workspace folder. */
export const SAVED_EVENTS_FOLDER = join('.lambda', 'events');

const EVENT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,140}$/;
const EXTENSION = '.json';
/** Files read per turn of the event loop when listing. */
const READ_SLICE = 50;

export class SavedEventStore {
  /** Files read before, by path, with the stat they had: only changed files are read again. */
  private readonly cache = new Map<string, { readonly mtimeMs: number; readonly size: number; readonly loaded: SavedEvent }>();

  constructor(readonly root: string) {}

  /** The saved events of one function, or of every function; unreadable files are listed with their error. */
  async list(functionName?: string): Promise<SavedEvent[]> {
    const functions = functionName === undefined ? await this.functionFolders() : [functionName];
    const lists = await Promise.all(functions.map((fn) => this.listFunction(fn)));
    return lists.flat();
  }

  async read(functionName: string, name: string): Promise<SavedEvent> {
    return this.load(functionName, name, this.pathOf(functionName, name));
  }

  /** Saves an event (an object, or JSON text that must be valid), replacing one of the same name. */
  async save(functionName: string, name: string, event: unknown): Promise<SavedEvent> {
    const path = this.pathOf(functionName, name);
    let text: string;
    if (typeof event === 'string') {
      const parsed = parseJsonText(event);
      if (!parsed.ok) {
        throw new WorkbenchError(`The event "${name}" is not valid JSON (${describeJsonError(parsed.error)}); it was not saved.`);
      }
      text = `${JSON.stringify(parsed.value, null, 2)}\n`;
    } else {
      text = `${JSON.stringify(event, null, 2)}\n`;
    }
    await mkdir(join(this.root, functionName), { recursive: true });
    await writeAtomically(path, text);
    return this.read(functionName, name);
  }

  /** Renames an event; refuses to overwrite another. */
  async rename(functionName: string, from: string, to: string): Promise<SavedEvent> {
    const source = this.pathOf(functionName, from);
    const target = this.pathOf(functionName, to);
    if (from === to) return this.read(functionName, to);
    try {
      // A hard link is created only if the target does not exist: no event is ever overwritten.
      await link(source, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST')
        throw new WorkbenchError(`An event named "${to}" already exists for ${functionName}. Choose another name.`);
      if (code === 'ENOENT')
        throw new WorkbenchError(`There is no saved event "${from}" for ${functionName}; it may have been renamed or deleted.`);
      throw error;
    }
    await unlink(source);
    return this.read(functionName, to);
  }

  async delete(functionName: string, name: string): Promise<void> {
    await rm(this.pathOf(functionName, name), { force: true });
  }

  pathOf(functionName: string, name: string): string {
    if (!FUNCTION_NAME.test(functionName)) {
      throw new WorkbenchError(`"${functionName}" is not a function name Lambda accepts (letters, digits, - and _).`);
    }
    if (!EVENT_NAME.test(name) || name.includes('..')) {
      throw new WorkbenchError(
        `"${name}" cannot name a saved event: use up to 100 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.`,
      );
    }
    return join(this.root, functionName, `${name}${EXTENSION}`);
  }

  private async functionFolders(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && FUNCTION_NAME.test(e.name)).map((e) => e.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private async listFunction(functionName: string): Promise<SavedEvent[]> {
    let names: string[];
    try {
      names = await readdir(join(this.root, functionName));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const files = names.filter((file) => file.endsWith(EXTENSION) && !file.startsWith('.'));
    const events: SavedEvent[] = [];
    // Small files read synchronously in short slices, yielding between them: hundreds of events
    // take a few milliseconds in all, and the process never stops for more than one slice.
    for (let i = 0; i < files.length; i += READ_SLICE) {
      for (const file of files.slice(i, i + READ_SLICE)) {
        events.push(this.loadNow(functionName, file.slice(0, -EXTENSION.length), join(this.root, functionName, file)));
      }
      if (i + READ_SLICE < files.length) await new Promise((resolve) => setImmediate(resolve));
    }
    return events.sort((a, b) => a.name.localeCompare(b.name));
  }

  private async load(functionName: string, name: string, path: string): Promise<SavedEvent> {
    await Promise.resolve();
    return this.loadNow(functionName, name, path);
  }

  /** Reads one event, from the cache when its file has not changed since. */
  private loadNow(functionName: string, name: string, path: string): SavedEvent {
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new WorkbenchError(`There is no saved event "${name}" for ${functionName}.`);
      }
      return { functionName, name, path, error: `cannot be read: ${(error as Error).message}` };
    }
    const cached = this.cache.get(path);
    if (cached !== undefined && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.loaded;
    let loaded: SavedEvent;
    try {
      const parsed = parseJsonText(readFileSync(path, 'utf8'));
      loaded = parsed.ok
        ? { functionName, name, path, event: parsed.value }
        : { functionName, name, path, error: `is not valid JSON (${describeJsonError(parsed.error)})` };
    } catch (error) {
      loaded = { functionName, name, path, error: `cannot be read: ${(error as Error).message}` };
    }
    this.cache.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, loaded });
    return loaded;
  }
}

/** Writes a file so that readers see the old content or the new, never a part. */
export async function writeAtomically(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

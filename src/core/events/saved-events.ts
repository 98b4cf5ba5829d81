// Saved test events: one JSON file per event under `.lambda/events/<function>/<name>.json` in the
// workspace, so a team shares them through git. Writes are atomic (a temporary file renamed into
// place), so a crash or two editors saving at once never leave a half-written event.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
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
  /** Last modification, epoch milliseconds. */
  readonly modified: number;
}

/** Where saved events live, relative to a workspace folder. */
export const SAVED_EVENTS_FOLDER = join('.lambda', 'events');

const EVENT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,140}$/;
const EXTENSION = '.json';

export class SavedEventStore {
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
    const events = names
      .filter((file) => file.endsWith(EXTENSION) && !file.startsWith('.'))
      .map((file) => this.load(functionName, file.slice(0, -EXTENSION.length), join(this.root, functionName, file)));
    return (await Promise.all(events)).sort((a, b) => a.name.localeCompare(b.name));
  }

  private async load(functionName: string, name: string, path: string): Promise<SavedEvent> {
    let text: string;
    let modified: number;
    try {
      [text, modified] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtimeMs)]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new WorkbenchError(`There is no saved event "${name}" for ${functionName}.`);
      }
      return { functionName, name, path, modified: 0, error: `cannot be read: ${(error as Error).message}` };
    }
    const parsed = parseJsonText(text);
    return parsed.ok
      ? { functionName, name, path, modified, event: parsed.value }
      : { functionName, name, path, modified, error: `is not valid JSON (${describeJsonError(parsed.error)})` };
  }
}

/** Writes a file so that readers see the old content or the new, never a part. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

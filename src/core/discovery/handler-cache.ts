// The handlers found in each file, kept while the file is unchanged (same size and modification
// time), so a rescan parses only what changed. It lives in memory for the discovery worker's life
// and, when given a file, across processes too.
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { writeWholeSync } from '../files';
import type { HandlerLanguage, HandlerLocation } from './types';

/** Bump when the finders change what they report, so results cached by an older version are not reused. */
const FINDER_VERSION = 1;
/**
 * A file changed again within this time of being read might keep its stamp on file systems with
 * coarse timestamps; such a result is used once more only after a fresh look.
 */
const RACY_MS = 2000;

export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

type CachedHandler = [exportName: string, line: number, column: number, language: HandlerLanguage];

interface Entry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly storedAt: number;
  readonly handlers: readonly CachedHandler[];
}

export class HandlerCache {
  private readonly entries = new Map<string, Entry>();
  private changed = false;
  private readonly loadedFrom = new Set<string>();

  /** The handlers of a file as last found, when it has not changed since. */
  lookup(file: string, stamp: FileStamp): HandlerLocation[] | undefined {
    const entry = this.entries.get(file);
    if (entry?.size !== stamp.size || entry.mtimeMs !== stamp.mtimeMs) return undefined;
    if (entry.storedAt - entry.mtimeMs < RACY_MS) return undefined;
    return entry.handlers.map(([exportName, line, column, language]) => ({ file, exportName, line, column, language }));
  }

  store(file: string, stamp: FileStamp, handlers: readonly HandlerLocation[]): void {
    this.entries.set(file, {
      size: stamp.size,
      mtimeMs: stamp.mtimeMs,
      storedAt: Date.now(),
      handlers: handlers.map((h) => [h.exportName, h.line, h.column, h.language]),
    });
    this.changed = true;
  }

  /** Forgets the files under `root` that a scan no longer saw, so the cache does not grow with every file ever seen. */
  keepOnly(root: string, files: ReadonlySet<string>): void {
    const prefix = root.endsWith(sep) ? root : root + sep;
    for (const file of this.entries.keys()) {
      if (file.startsWith(prefix) && !files.has(file)) {
        this.entries.delete(file);
        this.changed = true;
      }
    }
  }

  /** Adds what a previous process saved, once per file; a missing, unreadable or older file adds nothing. */
  load(path: string): void {
    if (this.loadedFrom.has(path)) return;
    this.loadedFrom.add(path);
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    } catch {
      return;
    }
    const { version, entries } = (saved ?? {}) as { version?: unknown; entries?: unknown };
    if (version !== FINDER_VERSION || !Array.isArray(entries)) return;
    for (const item of entries as unknown[]) {
      if (!Array.isArray(item) || item.length !== 5) continue;
      const [file, size, mtimeMs, storedAt, handlers] = item as [unknown, unknown, unknown, unknown, unknown];
      if (typeof file !== 'string' || typeof size !== 'number' || typeof mtimeMs !== 'number') continue;
      if (typeof storedAt !== 'number' || !Array.isArray(handlers)) continue;
      if (!this.entries.has(file)) this.entries.set(file, { size, mtimeMs, storedAt, handlers: handlers as CachedHandler[] });
    }
  }

  /** Writes the cache when it changed since it was loaded or saved; written whole or not at all. */
  save(path: string): void {
    if (!this.changed) return;
    const entries = [...this.entries].map(([file, e]) => [file, e.size, e.mtimeMs, e.storedAt, e.handlers]);
    // A cache that cannot be written only costs the next process some parsing.
    if (writeWholeSync(path, JSON.stringify({ version: FINDER_VERSION, entries }))) this.changed = false;
  }
}

// The TypeScript parser's thread (started by parser-worker.ts). It loads the compiler (several
// megabytes) once, while the discovery worker walks and reads the workspace, then parses the code
// files the discovery worker sends it, and the open documents the extension sends it for CodeLens.
// Neither the load nor the parsing ever runs on the extension host's thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { findNodeHandlers } from './core/discovery/code-handlers';
import { DocumentHandlers } from './core/discovery/document-handlers';
import type { ParserReply, ParserRequest } from './core/discovery/parser-port';
import { warmUpParser } from './core/discovery/parser-warmup';

/** What the extension hands the worker when it starts it. */
export type ParserWorkerData =
  /** The parser of discovery and CodeLens. */
  | {
      /** The discovery worker's end of their channel. */
      readonly discoveryPort: MessagePort;
      /** Where V8's code cache of this bundle is kept (the extension's global storage). */
      readonly codeCacheDir?: string;
    }
  /** Only to write the code cache, then end (see parser-cache.ts). */
  | { readonly prepareOnly: true; readonly codeCacheDir: string };

export interface ParserThread {
  /** Answers both ports; `saveCodeCache` is called once the parser has warmed up. */
  serve(saveCodeCache: () => void): void;
  /** Parses the warm-up sample, then calls `done`. */
  warmUp(done: () => void): void;
}

/**
 * Writing the code cache blocks this thread for tens of milliseconds, so it waits for a pause this
 * long without requests (someone typing asks for lenses several times a second).
 */
const QUIET_BEFORE_CACHE_MS = 3000;

const documents = new DocumentHandlers();

export const serve: ParserThread['serve'] = (saveCodeCache) => {
  const host = parentPort;
  if (host === null) throw new Error('parser-worker.js runs as a worker thread of the extension.');
  const data = workerData as ParserWorkerData;
  if ('prepareOnly' in data) throw new Error('This parser worker was started only to prepare the code cache.');
  const { discoveryPort } = data;
  let warming = false;
  let warm = false;
  let cacheTimer: NodeJS.Timeout | undefined;
  let cacheSaved = false;
  const saveWhenQuiet = () => {
    if (cacheSaved) return;
    clearTimeout(cacheTimer);
    cacheTimer = setTimeout(() => {
      cacheSaved = true;
      saveCodeCache();
    }, QUIET_BEFORE_CACHE_MS);
    // Not a reason to keep the thread alive.
    cacheTimer.unref();
  };
  for (const port of [host, discoveryPort]) {
    port.on('message', (request: ParserRequest) => {
      if (request.kind === 'closed') {
        documents.forget(request.file);
        return;
      }
      port.postMessage(answer(request));
      if (warm) saveWhenQuiet();
      // After the first answer, not before: warming the parser must not delay the first scan. The
      // code cache is written after it, so it holds the parser's functions compiled.
      if (!warming) {
        warming = true;
        warmUpParser(() => {
          warm = true;
          saveWhenQuiet();
        });
      }
    });
  }
};

export const warmUp: ParserThread['warmUp'] = (done) => {
  warmUpParser(done);
};

function answer(request: Exclude<ParserRequest, { kind: 'closed' }>): ParserReply {
  try {
    if (request.kind === 'files')
      return {
        id: request.id,
        files: request.files.map((f) => findNodeHandlers(f.file, f.text, 'blank', f.allExports === true)),
      };
    return { id: request.id, document: documents.handlers(request.file, request.text) };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

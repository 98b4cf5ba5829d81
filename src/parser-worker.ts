// The parser worker's entry. It loads parser-thread.js (the TypeScript compiler and the handler
// finders, about 10 MB) through V8's code cache, kept in the extension's global storage, so that
// only the first start after an install or update compiles it all.
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { requireWithCodeCache } from './core/code-cache';
import type { ParserThread, ParserWorkerData } from './parser-thread';

const { codeCacheDir } = workerData as ParserWorkerData;
const thread = requireWithCodeCache(join(__dirname, 'parser-thread.js'), codeCacheDir);
(thread.exports as ParserThread).serve(() => thread.saveCache());

// The parser worker's entry. It loads parser-thread.js (the TypeScript compiler and the handler
// finders, about 10 MB) through V8's code cache, kept in the extension's global storage, so that
// only the first start after an install or update compiles it all. Started with `prepareOnly`, it
// writes that cache and ends, without serving anyone.
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { requireWithCodeCache } from './core/code-cache';
import type { ParserThread, ParserWorkerData } from './parser-thread';

const data = workerData as ParserWorkerData;
const thread = requireWithCodeCache(join(__dirname, 'parser-thread.js'), data.codeCacheDir);
const parser = thread.exports as ParserThread;
if (!('prepareOnly' in data)) parser.serve(() => thread.saveCache());
else if (!thread.fromCache) parser.warmUp(() => thread.saveCache());
// With nothing left to do, a prepare-only worker's thread ends by itself.

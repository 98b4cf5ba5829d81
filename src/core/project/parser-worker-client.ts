// The TypeScript parser for a process that is not the editor (the command line): the same parser
// worker the extension runs (dist/parser-worker.js), started on the first parse only, so a project
// described by a template never loads TypeScript.
import { MessageChannel, Worker } from 'node:worker_threads';
import { parserOverPort } from '../discovery/parser-port';
import type { NodeHandlerParser } from '../discovery/types';
import type { ParserWorkerData } from '../../parser-thread';

export interface WorkerParser extends NodeHandlerParser {
  /** Ends the worker, if one was started. */
  close(): Promise<void>;
}

export function parserInWorker(script: string): WorkerParser {
  let started: { worker: Worker; parser: NodeHandlerParser; close: () => void } | undefined;
  const start = () => {
    const channel = new MessageChannel();
    const workerData: ParserWorkerData = { discoveryPort: channel.port2 };
    const worker = new Worker(script, { workerData, transferList: [channel.port2] });
    worker.unref();
    return { worker, parser: parserOverPort(channel.port1), close: () => channel.port1.close() };
  };
  return {
    parse(files) {
      if (files.length === 0) return Promise.resolve([]);
      started ??= start();
      return started.parser.parse(files);
    },
    async close() {
      if (started === undefined) return;
      started.close();
      await started.worker.terminate();
      started = undefined;
    },
  };
}

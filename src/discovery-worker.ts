// Handler discovery off the extension host's thread: this worker walks the workspace, reads its
// templates, serverless.yml files and code, and sends the TypeScript and JavaScript files to the
// parser worker (parser-worker.ts), which loads the TypeScript compiler meanwhile. The extension
// talks to it with DiscoveryRequest messages.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { parserOverPort } from './core/discovery/parser-port';
import type { DiscoveryResult } from './core/discovery/types';
import { discoverWorkspace, type DiscoverOptions } from './core/discovery/workspace';

export interface DiscoveryRequest {
  readonly id: number;
  readonly root: string;
  readonly options: DiscoverOptions;
}

export type DiscoveryReply =
  { readonly id: number; readonly workspace: DiscoveryResult } | { readonly id: number; readonly error: string };

/** What the extension hands the worker when it starts it. */
export interface DiscoveryWorkerData {
  /** The parser worker's end of their channel. */
  readonly parserPort: MessagePort;
}

const port = parentPort;
if (port === null) throw new Error('discovery-worker.js runs as a worker thread of the extension.');
const parser = parserOverPort((workerData as DiscoveryWorkerData).parserPort);

port.on('message', (request: DiscoveryRequest) => {
  void answer(request).then((reply) => port.postMessage(reply));
});

async function answer(request: DiscoveryRequest): Promise<DiscoveryReply> {
  try {
    return { id: request.id, workspace: await discoverWorkspace(request.root, request.options, parser) };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

// Handler discovery off the extension host's thread: this worker walks the workspace, reads its
// templates, serverless.yml files and code, and sends the TypeScript and JavaScript files to the
// parser worker (parser-worker.ts), which loads the TypeScript compiler meanwhile. Each folder is
// read as the CLI reads it (samconfig's parameters, a CDK app's cloud assembly: see folderProject).
// The extension talks to it with DiscoveryRequest messages.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { parserOverPort } from './core/discovery/parser-port';
import type { DiscoveryResult } from './core/discovery/types';
import { discoverWorkspace, type DiscoverOptions } from './core/discovery/workspace';
import { folderProject } from './core/project/project';

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
    const project = folderProject(request.root);
    const found = await discoverWorkspace(request.root, { ...request.options, ...project.options }, parser);
    return { id: request.id, workspace: { ...found, problems: [...project.problems, ...found.problems] } };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

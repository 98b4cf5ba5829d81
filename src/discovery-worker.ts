// Handler discovery off the extension host's thread: this worker loads the TypeScript compiler
// (several megabytes) once and parses the workspace's files, so neither the load nor the parsing
// ever stalls the editor. The extension talks to it with DiscoveryRequest messages.
import { parentPort } from 'node:worker_threads';
import { discoverWorkspace, findHandlersInText, type DiscoverOptions } from './core/discovery/workspace';
import type { DiscoveryResult, HandlerLocation } from './core/discovery/types';
import { warmUpParser } from './core/discovery/parser-warmup';

export type DiscoveryRequest =
  | { readonly id: number; readonly kind: 'workspace'; readonly root: string; readonly options: DiscoverOptions }
  | { readonly id: number; readonly kind: 'text'; readonly file: string; readonly text: string };

export type DiscoveryReply =
  | { readonly id: number; readonly workspace: DiscoveryResult }
  | { readonly id: number; readonly handlers: HandlerLocation[] }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port === null) throw new Error('discovery-worker.js runs as a worker thread of the extension.');

let warming = false;
port.on('message', (request: DiscoveryRequest) => {
  void answer(request).then((reply) => {
    port.postMessage(reply);
    // After the first answer, not before: warming the parser must not delay the first scan.
    if (!warming) {
      warming = true;
      warmUpParser();
    }
  });
});

async function answer(request: DiscoveryRequest): Promise<DiscoveryReply> {
  try {
    if (request.kind === 'workspace') {
      return { id: request.id, workspace: await discoverWorkspace(request.root, request.options) };
    }
    return { id: request.id, handlers: findHandlersInText(request.file, request.text) };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

// The messages between the parser worker (which carries the TypeScript compiler) and its two
// clients: the discovery worker, which sends it the workspace's code files in batches, and the
// extension host, which sends it the text of open documents for CodeLens. Each client has a port
// of its own; the parser answers on the port a request came from.
import type { MessagePort } from 'node:worker_threads';
import type { HandlerLocation, NodeHandlerParser, SourceText } from './types';

export type ParserRequest =
  /** Code files of the workspace, parsed whole and forgotten. */
  | { readonly id: number; readonly kind: 'files'; readonly files: readonly SourceText[] }
  /** An open document's text after an edit; its tree is kept for the next edit. */
  | { readonly id: number; readonly kind: 'document'; readonly file: string; readonly text: string }
  /** The editor closed the document: its tree can go. No reply. */
  | { readonly id: number; readonly kind: 'closed'; readonly file: string };

export type ParserReply =
  | { readonly id: number; readonly files: HandlerLocation[][] }
  | { readonly id: number; readonly document: HandlerLocation[] }
  | { readonly id: number; readonly error: string };

/** The parser as the discovery worker sees it, through its port. */
export function parserOverPort(port: MessagePort): NodeHandlerParser {
  let nextId = 1;
  const waiting = new Map<number, { resolve: (files: HandlerLocation[][]) => void; reject: (error: Error) => void }>();
  port.on('message', (reply: ParserReply) => {
    const request = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (request === undefined) return;
    if ('files' in reply) request.resolve(reply.files);
    else request.reject(new Error('error' in reply ? reply.error : 'the parser gave no handlers'));
  });
  // Closing the port when its other end goes (the parser worker died) fails what waits, rather
  // than leaving a scan waiting for ever.
  port.on('close', () => {
    for (const request of waiting.values()) request.reject(new Error('the parser worker stopped'));
    waiting.clear();
  });
  return {
    parse(files) {
      if (files.length === 0) return Promise.resolve([]);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const request: ParserRequest = { id, kind: 'files', files };
        port.postMessage(request);
      });
    },
  };
}

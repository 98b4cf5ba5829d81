// A request to a local API as the events are built from it: everything as the client sent it
// (header names in their case and order, repeated keys kept, the path still percent-encoded).
import type { IncomingMessage } from 'node:http';

export interface ApiRequest {
  readonly method: string;
  /** The path as sent, percent-encoded, without the query. */
  readonly path: string;
  /** The query as sent, without `?`; empty when there is none. */
  readonly rawQuery: string;
  /** Name and value pairs in the order sent, names in the client's case. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** When the request arrived. */
  readonly time: Date;
}

/** API Gateway's limit on a request's payload: 10 MB. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * The request, its body read whole; `tooLarge` when the body passes the limit (the rest is read
 * and dropped, so the client can be answered).
 */
export async function readApiRequest(req: IncomingMessage): Promise<{ request: ApiRequest; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_REQUEST_BYTES) tooLarge = true;
    else chunks.push(chunk);
  }
  const url = req.url ?? '/';
  const question = url.indexOf('?');
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '']);
  return {
    request: {
      method: (req.method ?? 'GET').toUpperCase(),
      path: question < 0 ? url : url.slice(0, question),
      rawQuery: question < 0 ? '' : url.slice(question + 1),
      headers,
      body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks),
      sourceIp: normalizedIp(req.socket.remoteAddress ?? '127.0.0.1'),
      time: new Date(),
    },
    tooLarge,
  };
}

/** `::ffff:127.0.0.1` as the IPv4 address it is. */
function normalizedIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** The last value of a header, by name in any case. */
export function headerValue(request: ApiRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value: string | undefined;
  for (const [key, v] of request.headers) if (key.toLowerCase() === lower) value = v;
  return value;
}

// A raw HTTP request for tests that must send what fetch() will not: any Host header, none at all,
// an Origin, a request target that is not a clean path.
import { request } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = unknown>(): T;
}

export function rawRequest(options: {
  port: number;
  method?: string;
  path: string;
  /** `Host` among them replaces the default; `host: null` sends none. */
  headers?: Record<string, string | null>;
  body?: string;
}): Promise<RawAnswer> {
  const { host, ...others } = Object.fromEntries(
    Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const headers = Object.fromEntries(Object.entries(others).filter((entry): entry is [string, string] => entry[1] !== null));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method ?? 'GET',
        path: options.path,
        setHost: host === undefined,
        headers: host === undefined || host === null ? headers : { ...headers, host },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`No answer to ${options.method ?? 'GET'} ${options.path} in 10 s.`)));
    req.end(options.body);
  });
}

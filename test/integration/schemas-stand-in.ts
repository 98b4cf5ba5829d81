// A stand-in for the EventBridge Schemas API, at the HTTP layer. moto does not implement
// Schemas, and nothing else on this machine can serve it, so this is the one boundary the tests
// mock: it speaks the REST-JSON protocol the real AWS SDK client sends (paths, status codes,
// x-amzn-ErrorType), so SharedEvents and the SDK run unmodified against it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SchemasStandIn {
  readonly url: string;
  readonly registries: Map<string, Map<string, { content: string; version: number; type: string }>>;
  close(): Promise<void>;
}

export async function startSchemasStandIn(): Promise<SchemasStandIn> {
  const registries = new Map<string, Map<string, { content: string; version: number; type: string }>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(registries, req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    registries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function handle(registries: SchemasStandIn['registries'], req: IncomingMessage, body: string, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const registryMatch = /^\/v1\/registries\/name\/([^/]+)$/.exec(path);
  const schemaMatch = /^\/v1\/registries\/name\/([^/]+)\/schemas\/name\/([^/]+)$/.exec(path);
  const send = (status: number, value: unknown, errorType?: string) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(errorType === undefined ? {} : { 'x-amzn-ErrorType': errorType }),
    });
    res.end(JSON.stringify(value));
  };
  const notFound = (what: string) =>
    send(404, { Code: 'NotFoundException', Message: `${what} does not exist.` }, 'NotFoundException');
  if (registryMatch?.[1] !== undefined) {
    const name = decodeURIComponent(registryMatch[1]);
    if (req.method === 'GET') {
      if (!registries.has(name)) return notFound(`Registry ${name}`);
      return send(200, { RegistryName: name, RegistryArn: `arn:aws:schemas:us-east-1:123456789012:registry/${name}` });
    }
    if (req.method === 'POST') {
      if (registries.has(name)) return send(409, { Code: 'ConflictException', Message: 'Registry exists.' }, 'ConflictException');
      registries.set(name, new Map());
      return send(201, { RegistryName: name });
    }
  }
  if (schemaMatch?.[1] !== undefined && schemaMatch[2] !== undefined) {
    const registry = registries.get(decodeURIComponent(schemaMatch[1]));
    const name = decodeURIComponent(schemaMatch[2]);
    if (registry === undefined) return notFound(`Registry ${schemaMatch[1]}`);
    if (req.method === 'GET') {
      const schema = registry.get(name);
      if (schema === undefined) return notFound(`Schema ${name}`);
      return send(200, { SchemaName: name, Content: schema.content, SchemaVersion: String(schema.version), Type: schema.type });
    }
    const input = JSON.parse(body || '{}') as { Content?: string; Type?: string };
    if (req.method === 'POST') {
      if (registry.has(name)) return send(409, { Code: 'ConflictException', Message: 'Schema exists.' }, 'ConflictException');
      registry.set(name, { content: input.Content ?? '', version: 1, type: input.Type ?? 'OpenApi3' });
      return send(201, { SchemaName: name, SchemaVersion: '1' });
    }
    if (req.method === 'PUT') {
      const schema = registry.get(name);
      if (schema === undefined) return notFound(`Schema ${name}`);
      registry.set(name, {
        content: input.Content ?? schema.content,
        version: schema.version + 1,
        type: input.Type ?? schema.type,
      });
      return send(200, { SchemaName: name, SchemaVersion: String(schema.version + 1) });
    }
  }
  send(404, { Message: `Unknown path ${req.method ?? ''} ${path}` }, 'NotFoundException');
}

// A stand-in for CloudWatch Logs' StartLiveTail, in front of moto. No server on this machine
// streams Live Tail (moto 5.2.5 answers StartLiveTail with the events the group already holds and
// closes at once), so this one speaks its wire format itself: an HTTP response of AWS event-stream
// messages (prelude, headers, payload, CRC-32s), encoded here independently of the SDK that decodes
// them. Every other request is forwarded to moto.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { crc32 } from 'node:zlib';

export type LiveTailBehaviour = 'stream' | 'denied' | 'unsupported' | 'break';

interface StandInEvent {
  readonly logStreamName: string;
  readonly message: string;
  readonly timestamp: number;
}

function uint(bytes: 1 | 2 | 4, value: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  if (bytes === 1) buffer.writeUInt8(value);
  else if (bytes === 2) buffer.writeUInt16BE(value);
  else buffer.writeUInt32BE(value);
  return buffer;
}

/** One event-stream message with string headers (type 7). */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const encodedHeaders = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const nameBytes = Buffer.from(name, 'utf8');
      const valueBytes = Buffer.from(value, 'utf8');
      return Buffer.concat([uint(1, nameBytes.length), nameBytes, uint(1, 7), uint(2, valueBytes.length), valueBytes]);
    }),
  );
  const prelude = Buffer.concat([uint(4, 12 + encodedHeaders.length + payload.length + 4), uint(4, encodedHeaders.length)]);
  const body = Buffer.concat([prelude, uint(4, crc32(prelude)), encodedHeaders, payload]);
  return Buffer.concat([body, uint(4, crc32(body))]);
}

function eventMessage(type: string, body: unknown): Buffer {
  return encodeEventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify(body)),
  );
}

export async function startLiveTailStandIn(motoUrl: string, region = 'us-east-1') {
  let behaviour: LiveTailBehaviour = 'stream';
  let sessions = 0;
  const open = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const target = new URL(motoUrl);

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  const startLiveTail = (res: ServerResponse, body: Buffer) => {
    const error = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
      res.end(JSON.stringify({ __type: type, message }));
    };
    if (behaviour === 'denied') {
      error(400, 'AccessDeniedException', 'User is not authorized to perform: logs:StartLiveTail');
      return;
    }
    if (behaviour === 'unsupported') {
      error(400, 'UnknownOperationException', 'Unknown operation StartLiveTail');
      return;
    }
    sessions++;
    const request = JSON.parse(body.toString() || '{}') as { logGroupIdentifiers?: string[] };
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': `session-${sessions}` });
    res.write(
      eventMessage('sessionStart', {
        requestId: `session-${sessions}`,
        sessionId: `session-${sessions}`,
        logGroupIdentifiers: request.logGroupIdentifiers ?? [],
      }),
    );
    if (behaviour === 'break') {
      // A broken connection in the middle of the stream, as a network failure would leave it.
      setTimeout(() => res.socket?.destroy(), 50);
      behaviour = 'stream';
      return;
    }
    open.add(res);
    res.on('close', () => open.delete(res));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.headers['x-amz-target'] === 'Logs_20140328.StartLiveTail') startLiveTail(res, body);
      else forward(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get sessions() {
      return sessions;
    },
    behave(next: LiveTailBehaviour) {
      behaviour = next;
    },
    /** Sends events to every open session, as one sessionUpdate. */
    push(logGroupName: string, events: readonly StandInEvent[]) {
      const results = events.map((event) => ({
        ...event,
        ingestionTime: event.timestamp + 5,
        logGroupIdentifier: `arn:aws:logs:${region}:123456789012:log-group:${logGroupName}`,
      }));
      for (const res of open)
        res.write(eventMessage('sessionUpdate', { sessionMetadata: { sampled: false }, sessionResults: results }));
    },
    /** Ends every open session the way Live Tail does after its time runs out. */
    endSessions() {
      for (const res of open) {
        res.end(
          encodeEventStreamMessage(
            { ':exception-type': 'SessionTimeoutException', ':content-type': 'application/json', ':message-type': 'exception' },
            Buffer.from(JSON.stringify({ message: 'Session timed out' })),
          ),
        );
      }
    },
    get openSessions() {
      return open.size;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

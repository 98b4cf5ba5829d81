// The integration timeout of a local API, with a real emulator and a handler slower than the limit
// (made 0.3 s here instead of API Gateway's 29 s and 30 s, through the server's option).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startApiServer } from '../../src/core/http-api/server';
import { LocalCallers } from '../../src/core/local-callers';
import { fn, startEmulator } from './emulator-harness';

const folder = mkdtempSync(join(tmpdir(), 'lwb-api-timeout-'));
let harness: Awaited<ReturnType<typeof startEmulator>>;

before(async () => {
  writeFileSync(
    join(folder, 'slow.js'),
    "exports.handler = async () => { await new Promise((r) => setTimeout(r, 2000)); return { statusCode: 200, body: 'late' }; };\n",
  );
  harness = await startEmulator([fn('Slow', 'nodejs20.x', folder, 'slow.handler', { timeoutSeconds: 10 })]);
});

after(async () => {
  await harness.stop();
  rmSync(folder, { recursive: true, force: true });
});

test("a function slower than the integration's limit: REST 504, HTTP API 503, each with the service's body, and the reason in the access log", async () => {
  for (const [kind, status, message] of [
    ['rest', 504, 'Endpoint request timed out'],
    ['http', 503, 'Service Unavailable'],
  ] as const) {
    const lines: string[] = [];
    const server = await startApiServer(
      {
        id: 'Api',
        kind,
        stageName: kind === 'rest' ? 'Prod' : '$default',
        binaryMediaTypes: [],
        routes: [{ method: 'GET', path: '/slow', functionName: 'Slow', payloadVersion: kind === 'rest' ? '1.0' : '2.0' }],
      },
      {
        port: 0,
        callers: new LocalCallers(),
        accountId: '123456789012',
        region: 'us-east-1',
        timeoutMs: 300,
        invoke: async (functionName, event) => {
          const result = await harness.emulator.invoke({ functionName, payload: event });
          return { payload: result.payload, requestId: result.requestId };
        },
        onAccess: (line) => lines.push(line),
      },
    );
    try {
      const started = performance.now();
      const answer = await fetch(`${server.url}/slow`);
      assert.deepEqual([kind, answer.status, await answer.json()], [kind, status, { message }]);
      assert.ok(performance.now() - started < 1500, 'answered at the limit, not when the function finished');
      assert.match(
        lines[0] ?? '',
        /^GET \/(Prod\/)?slow (503|504) \d+ ms Slow \(Slow did not answer within the integration's 0\.3 s; it goes on running\.\)$/,
      );
    } finally {
      await server.close();
    }
  }
});

// Who can call the emulator: clients on this machine that address it by a loopback name and are not
// web pages. A page the user opens can send a cross-origin "simple" POST to 127.0.0.1, and a page
// whose name resolves to 127.0.0.1 (DNS rebinding) sends its own Host; both are refused, on the
// Invoke API and on every environment's Runtime API, and neither runs the function.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { LocalCallers } from '../../src/core/local-callers';
import { node, startEmulator, type Harness } from './emulator-harness';
import { rawRequest } from './http-request';

const INVOKE = '/2015-03-31/functions/echo/invocations';

describe('the Invoke API answers only its own machine, never a web page', () => {
  let h: Harness;
  let port: number;
  /** START lines so far: each is a run of the function. */
  const runs = () => h.records.filter((r) => r.message.startsWith('START RequestId:')).length;

  before(async () => {
    h = await startEmulator([node('echo', 'handlers.echo'), node('env', 'handlers.env')]);
    port = h.server.port;
  });
  after(async () => {
    await h.stop();
  });

  test('a cross-origin simple POST from a page is refused with a 403 that says how to allow it, and nothing runs', async () => {
    const before = runs();
    const answer = await rawRequest({
      port,
      method: 'POST',
      path: INVOKE,
      headers: { Origin: 'http://evil.example', 'Content-Type': 'text/plain' },
      body: '{"stolen": true}',
    });
    assert.equal(answer.status, 403);
    assert.equal(answer.headers['x-amzn-errortype'], 'AccessDeniedException');
    assert.equal(answer.headers['access-control-allow-origin'], undefined);
    const message = answer.json<{ Message: string }>().Message;
    assert.equal(
      message,
      'Requests from web pages are refused: this one carries "Origin: http://evil.example", which the AWS SDKs, the AWS CLI ' +
        'and Lambda runtimes never send. To let pages of that origin call it, start the emulator with --allow-origin ' +
        'http://evil.example, or add it to the lambdaWorkbench.emulator.allowedOrigins setting.',
    );
    assert.equal(runs(), before);
  });

  test('a foreign Host (DNS rebinding) can neither list the functions nor invoke one', async () => {
    const before = runs();
    const list = await rawRequest({ port, path: '/', headers: { Host: `evil.example:${port}` } });
    assert.equal(list.status, 403);
    assert.equal(list.headers['x-amzn-errortype'], 'AccessDeniedException');
    assert.doesNotMatch(list.text, /echo/);
    assert.match(
      list.json<{ Message: string }>().Message,
      /^Requests for the host "evil\.example:\d+" are refused: .* To allow "evil\.example" \(a forwarded port or a tunnel\), start the emulator with --allow-host evil\.example, or add it to the lambdaWorkbench\.emulator\.allowedHosts setting\.$/,
    );
    const invoke = await rawRequest({ port, method: 'POST', path: INVOKE, headers: { Host: 'evil.example' }, body: '{}' });
    assert.equal(invoke.status, 403);
    assert.equal(runs(), before);
  });

  test('a request with no Host at all is refused', async () => {
    // HTTP/1.1 requires one, and Node's server answers 400 itself; HTTP/1.0 does not.
    assert.equal((await rawRequest({ port, path: '/', headers: { Host: null } })).status, 400);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET / HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.match(answer, /"Message":"The request has no Host header, so it is refused\./);
    assert.doesNotMatch(answer, /"functions"/);
  });

  test('every loopback name is answered, on any port (a forwarded port can differ)', async () => {
    for (const host of [
      '127.0.0.1',
      `127.0.0.1:${port}`,
      '127.9.8.7:1',
      'localhost',
      'LocalHost.:80',
      'app.localhost:3000',
      '[::1]:9',
    ]) {
      const answer = await rawRequest({ port, method: 'POST', path: INVOKE, headers: { Host: host }, body: '{"n":1}' });
      assert.equal(answer.status, 200, host);
      assert.deepEqual(answer.json(), { n: 1 }, host);
    }
  });

  test("an environment's Runtime API refuses a foreign Host and any Origin, and keeps serving its runtime", async () => {
    const env = (await h.invoke('env')).json<Record<string, string>>();
    const runtimePort = Number(env['AWS_LAMBDA_RUNTIME_API']?.split(':')[1]);
    assert.ok(runtimePort > 0);
    const foreign = await rawRequest({
      port: runtimePort,
      path: '/2018-06-01/runtime/invocation/next',
      headers: { Host: 'evil.example' },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json<{ errorType: string }>().errorType, 'AccessDeniedException');
    const page = await rawRequest({
      port: runtimePort,
      method: 'POST',
      path: '/2018-06-01/runtime/init/error',
      headers: { Origin: 'http://evil.example', 'Content-Type': 'text/plain' },
      body: '{}',
    });
    assert.equal(page.status, 403);
    assert.equal(page.json<{ errorMessage: string }>().errorMessage.endsWith('A web page may not call the Runtime API.'), true);
    // The environment was not disturbed: it still runs its invocations.
    assert.equal((await h.invoke('env')).json<Record<string, string>>()['AWS_LAMBDA_RUNTIME_API'], env['AWS_LAMBDA_RUNTIME_API']);
  });

  test('malformed requests get the 4xx a Lambda endpoint gives, never a 5xx', async () => {
    const badEncoding = await rawRequest({ port, method: 'POST', path: '/2015-03-31/functions/%zz/invocations', body: '{}' });
    assert.equal(badEncoding.status, 400);
    assert.equal(badEncoding.headers['x-amzn-errortype'], 'ValidationException');
    assert.match(badEncoding.json<{ Message: string }>().Message, /^1 validation error detected: Value '%zz' at 'functionName'/);
    const notAPath = await rawRequest({ port, path: '//' });
    assert.equal(notAPath.status, 400);
    assert.equal(notAPath.json<{ Message: string }>().Message, 'The request target "//" is not a path.');
    const unknown = await rawRequest({ port, method: 'DELETE', path: '/2015-03-31/functions/echo' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers['x-amzn-errortype'], 'UnknownOperationException');
  });
});

describe('hosts and origins the user allows', () => {
  let h: Harness;
  before(async () => {
    h = await startEmulator(
      [node('echo', 'handlers.echo')],
      {},
      new LocalCallers({ allowedHosts: ['tunnel.example.test', '*.preview.test'], allowedOrigins: ['http://localhost:5173'] }),
    );
  });
  after(async () => {
    await h.stop();
  });

  test('an allowed host name, exact or below an allowed domain, is answered; others are not', async () => {
    const port = h.server.port;
    for (const [host, status] of [
      ['tunnel.example.test:443', 200],
      ['pr-12.preview.test', 200],
      ['preview.test', 403],
      ['tunnel.example.test.evil.example', 403],
    ] as const) {
      const answer = await rawRequest({ port, method: 'POST', path: INVOKE, headers: { Host: host }, body: '{}' });
      assert.equal(answer.status, status, host);
    }
  });

  test("an allowed origin's page gets CORS answers, preflight included; another origin is still refused", async () => {
    const port = h.server.port;
    const preflight = await rawRequest({
      port,
      method: 'OPTIONS',
      path: INVOKE,
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-amz-log-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'http://localhost:5173');
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET, POST');
    assert.equal(preflight.headers['access-control-allow-headers'], 'content-type,x-amz-log-type');
    const invoke = await rawRequest({
      port,
      method: 'POST',
      path: INVOKE,
      headers: { Origin: 'http://localhost:5173', 'Content-Type': 'application/json' },
      body: '{"from":"page"}',
    });
    assert.equal(invoke.status, 200);
    assert.deepEqual(invoke.json(), { from: 'page' });
    assert.equal(invoke.headers['access-control-allow-origin'], 'http://localhost:5173');
    assert.match(String(invoke.headers['access-control-expose-headers']), /X-Amz-Function-Error/);
    const other = await rawRequest({
      port,
      method: 'POST',
      path: INVOKE,
      headers: { Origin: 'http://localhost:5174' },
      body: '{}',
    });
    assert.equal(other.status, 403);
  });
});

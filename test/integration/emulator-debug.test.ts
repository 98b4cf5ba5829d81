// Debug mode, against the real emulator and real debugger servers: a TypeScript function, bundled
// as the extension bundles it, waits under the Node.js inspector until a debugger attaches, stops
// at a breakpoint set in its TypeScript through the bundle's source map, and outlives its timeout
// while paused; a Python function waits under debugpy until a DAP client attaches. Stopping the
// emulator leaves none of their processes behind. The debuggers here are minimal clients of the
// Chrome DevTools Protocol (over a small WebSocket client) and of the Debug Adapter Protocol.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { checkDebugpy, freePort } from '../../src/core/emulator/debug';
import { Emulator } from '../../src/core/emulator/emulator';
import { EmulatorProcess } from '../../src/core/emulator/emulator-process';
import { ENVIRONMENT_MARKER } from '../../src/core/emulator/processes';
import { readTemplate } from '../../src/core/discovery/sam';
import type { LogRecord } from '../../src/core/logs/record';
import { isAlive, sleep, startEmulator } from './emulator-harness';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const app = join(root, 'test/fixtures/debug');
const template = join(app, 'template.yaml');
const venvPython = join(root, '.cache/venv/bin/python');
const scratch = mkdtempSync(join(tmpdir(), 'lwb-debug-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const functions = readTemplate(template).map((f) => f.config);
const config = (name: string) => {
  const found = functions.find((f) => f.name === name);
  assert.ok(found, `${name} is in the template`);
  return found;
};

/** The 1-based line of the source that holds `marker`. */
function lineOf(file: string, marker: string): number {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(marker));
  assert.ok(index >= 0, `${marker} is in ${file}`);
  return index + 1;
}

function invoke(url: string, name: string, event: unknown) {
  return fetch(`${url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: JSON.stringify(event) }).then(
    async (response) => ({
      status: response.status,
      error: response.headers.get('x-amz-function-error'),
      errorType: response.headers.get('x-amzn-errortype'),
      body: (await response.json()) as Record<string, unknown>,
    }),
  );
}

/** Whether the promise is still pending after `ms`. */
async function stillPending(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  return (
    (await Promise.race([
      promise.then(
        () => null,
        () => null,
      ),
      sleep(ms).then(() => pending),
    ])) === pending
  );
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await sleep(25);
  }
}

// ---- processes ----------------------------------------------------------------------------

function readProc(pid: string, file: 'cmdline' | 'environ'): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return '';
  }
}

/** Live processes whose command line or environment contains `needle`. */
function processesWith(needle: string, where: 'cmdline' | 'environ'): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => readProc(pid, where).includes(needle))
    .map(Number)
    .filter(isAlive);
}

/** The emulator instance an environment process belongs to, read from its marker variable. */
function instanceOf(pid: number): string {
  const marker = readProc(String(pid), 'environ')
    .split('\0')
    .find((variable) => variable.startsWith(`${ENVIRONMENT_MARKER}=`));
  assert.ok(marker, `process ${pid} carries the environment marker`);
  return marker.slice(ENVIRONMENT_MARKER.length + 1).split('/')[0] ?? '';
}

/** Every process of an emulator instance: the emulator itself and its environments' processes. */
function processesOfInstance(instanceId: string): number[] {
  return [...processesWith(`${ENVIRONMENT_MARKER}=${instanceId}/`, 'environ'), ...processesWith(instanceId, 'cmdline')];
}

// ---- a WebSocket client (RFC 6455), just enough for the Chrome DevTools Protocol -----------------

class WebSocketClient {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly onText: (text: string) => void,
  ) {}

  static async connect(url: string, onText: (text: string) => void): Promise<WebSocketClient> {
    const { hostname, port, pathname } = new URL(url);
    const socket = connect(Number(port), hostname);
    const key = randomBytes(16).toString('base64');
    await new Promise<void>((done, fail) => {
      socket.once('error', fail);
      socket.once('connect', () => {
        done();
      });
    });
    socket.write(
      `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const rest = await new Promise<Buffer>((done, fail) => {
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!status.includes(' 101 ')) fail(new Error(`WebSocket upgrade refused: ${status}`));
        else done(head.subarray(end + 4));
      };
      socket.on('data', onData);
    });
    const client = new WebSocketClient(socket, onText);
    socket.on('data', (chunk: Buffer) => {
      client.receive(chunk);
    });
    client.receive(rest);
    return client;
  }

  send(text: string): void {
    this.frame(0x1, Buffer.from(text));
  }

  close(): void {
    this.frame(0x8, Buffer.alloc(0));
    this.socket.end();
  }

  /** A client's frames are masked; the server's are not. */
  private frame(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4);
    const length = payload.length;
    const header =
      length < 126
        ? Buffer.from([0x80 | opcode, 0x80 | length])
        : length < 65_536
          ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff])
          : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), bigEndian64(length)]);
    const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const first = this.buffer[0] ?? 0;
      let length = (this.buffer[1] ?? 0) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      const opcode = first & 0x0f;
      if (opcode === 0x9) this.frame(0xa, payload);
      if (opcode === 0x8) this.socket.end();
      if (opcode !== 0x1 && opcode !== 0x0) continue;
      this.fragments.push(payload);
      // FIN: the message is whole.
      if ((first & 0x80) !== 0) this.onText(Buffer.concat(this.fragments.splice(0)).toString('utf8'));
    }
  }
}

function bigEndian64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

// ---- Chrome DevTools Protocol ----------------------------------------------------------------

interface CdpEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

interface CallFrame {
  readonly callFrameId: string;
  readonly functionName: string;
  readonly location: { readonly scriptId: string; readonly lineNumber: number; readonly columnNumber: number };
}

class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { done: (result: unknown) => void; fail: (error: Error) => void }>();
  readonly events: CdpEvent[] = [];
  private socket!: WebSocketClient;

  /** Attaches to the Node.js inspector listening on 127.0.0.1:`port`. */
  static async attach(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
    const target = targets[0];
    assert.ok(target, 'the inspector lists a target');
    const inspector = new Inspector();
    inspector.socket = await WebSocketClient.connect(target.webSocketDebuggerUrl, (text) => {
      inspector.receive(text);
    });
    return inspector;
  }

  call<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((done, fail) => {
      this.pending.set(id, { done: (result) => done(result as T), fail });
    });
  }

  /** The next event `method` after the first `skip` of them (events are kept, so none is missed). */
  async event(method: string, skip = 0): Promise<CdpEvent> {
    return waitFor(`${method} #${skip + 1}`, () => this.events.filter((e) => e.method === method)[skip], 20_000);
  }

  /** A script's URL, from its Debugger.scriptParsed event (a call frame's own url is deprecated, and empty). */
  scriptUrl(scriptId: string): string | undefined {
    const parsed = this.events.find((e) => e.method === 'Debugger.scriptParsed' && e.params['scriptId'] === scriptId);
    return parsed?.params['url'] as string | undefined;
  }

  close(): void {
    this.socket.close();
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: Record<string, unknown>;
    };
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.fail(new Error(message.error.message));
      else waiter?.done(message.result);
    } else if (message.method !== undefined) {
      this.events.push({ method: message.method, params: message.params ?? {} });
    }
  }
}

// ---- source maps -------------------------------------------------------------------------------

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The values of one source-map segment: base-64 VLQs, sign in the lowest bit. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if ((digit & 32) !== 0) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >> 1) : value >> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

/** Where a source's 1-based line starts in the generated file (0-based line and column, as CDP counts). */
function generatedPosition(mapFile: string, source: string, line: number): { lineNumber: number; columnNumber: number } {
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; mappings: string };
  const sourceIndex = map.sources.findIndex((s) => resolve(dirname(mapFile), s) === source);
  assert.ok(sourceIndex >= 0, `the source map lists ${source} among ${map.sources.join(', ')}`);
  // Every field but the generated column accumulates across the whole mappings string; the
  // source column is not needed here.
  let [sourceNow, lineNow] = [0, 0];
  const generatedLines = map.mappings.split(';');
  for (let generatedLine = 0; generatedLine < generatedLines.length; generatedLine++) {
    let generatedColumn = 0;
    for (const segment of (generatedLines[generatedLine] ?? '').split(',').filter(Boolean)) {
      const [column = 0, sourceDelta, lineDelta = 0] = decodeSegment(segment);
      generatedColumn += column;
      if (sourceDelta === undefined) continue;
      sourceNow += sourceDelta;
      lineNow += lineDelta;
      if (sourceNow === sourceIndex && lineNow === line - 1) return { lineNumber: generatedLine, columnNumber: generatedColumn };
    }
  }
  throw new Error(`${mapFile} maps nothing to ${source}:${line}.`);
}

// ---- Debug Adapter Protocol --------------------------------------------------------------------

interface DapMessage {
  readonly type: 'response' | 'event' | 'request';
  readonly seq: number;
  readonly command?: string;
  readonly event?: string;
  readonly request_seq?: number;
  readonly success?: boolean;
  readonly message?: string;
  readonly body?: Record<string, unknown>;
}

/** A DAP client over TCP: `Content-Length` framed JSON, as debugpy's adapter speaks it. */
class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  readonly messages: DapMessage[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.receive(chunk);
    });
  }

  static async connect(port: number): Promise<DapClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((done, fail) => {
      socket.once('error', fail);
      socket.once('connect', () => {
        done();
      });
    });
    return new DapClient(socket);
  }

  /** Sends a request; its response is awaited with `response`. */
  request(command: string, args: Record<string, unknown> = {}): number {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return seq;
  }

  async response(seq: number): Promise<DapMessage> {
    const response = await waitFor(`the response to request ${seq}`, () =>
      this.messages.find((m) => m.type === 'response' && m.request_seq === seq),
    );
    assert.equal(response.success, true, `${response.command ?? ''} succeeded: ${response.message ?? ''}`);
    return response;
  }

  /** The event `name` after the first `skip` of them (messages are kept, so none is missed). */
  event(name: string, skip = 0): Promise<DapMessage> {
    return waitFor(
      `${name} event #${skip + 1}`,
      () => this.messages.filter((m) => m.type === 'event' && m.event === name)[skip],
      20_000,
    );
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
      if (this.buffer.length < end + 4 + length) return;
      this.messages.push(JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')) as DapMessage);
      this.buffer = this.buffer.subarray(end + 4 + length);
    }
  }
}

// ---- the tests ---------------------------------------------------------------------------------

describe('debugging a TypeScript function through the emulator process', () => {
  test('waits for the debugger, stops at a TypeScript breakpoint, outlives its timeout, and leaves nothing behind', async () => {
    assert.ok(existsSync(cli), `${cli} exists; run "node esbuild.mjs" first`);
    const port = await freePort();
    const buildDir = join(scratch, 'build');
    const records: LogRecord[] = [];
    const emulator = await EmulatorProcess.start({
      cliPath: cli,
      nodePath: process.execPath,
      functions,
      debug: { functionName: 'NodeDebugFunction', port },
      buildDir,
      onLog: (record) => records.push(record),
    });
    let inspector: Inspector | undefined;
    try {
      // Ready means the environment already waits: the log says where to attach.
      const listening = await waitFor('the "Debugger listening" record', () =>
        records.find((r) => r.source === 'platform' && r.message.startsWith('Debugger listening: ')),
      );
      assert.equal(listening.functionName, 'NodeDebugFunction');
      assert.match(listening.message, new RegExp(`attach to 127\\.0\\.0\\.1:${port} \\(Node\\.js inspector\\)`));
      const [environmentPid] = processesWith(`--inspect-brk=127.0.0.1:${port}`, 'cmdline');
      assert.ok(environmentPid !== undefined, 'the environment runs under --inspect-brk');
      const instanceId = instanceOf(environmentPid);
      // The bundle's stack traces are source-mapped by Node.js; the inspector works alongside.
      assert.match(readProc(String(environmentPid), 'environ'), /\0NODE_OPTIONS=--enable-source-maps\0/);

      const event = { item: 'apple', quantity: 2 };
      const first = invoke(emulator.url, 'NodeDebugFunction', event);
      assert.equal(await stillPending(first, 1500), true, 'nothing runs before a debugger attaches');

      // The breakpoint goes where the bundle's source map puts the TypeScript line.
      const bundle = join(buildDir, 'NodeDebugFunction', 'app.js');
      const source = join(app, 'src', 'app.ts');
      const breakpointLine = lineOf(source, '// BREAKPOINT');
      const position = generatedPosition(`${bundle}.map`, source, breakpointLine);
      const bundleUrl = pathToFileURL(bundle).href;

      inspector = await Inspector.attach(port);
      await inspector.call('Debugger.enable');
      const breakpoint = await inspector.call<{ breakpointId: string }>('Debugger.setBreakpointByUrl', {
        url: bundleUrl,
        ...position,
      });
      await inspector.call('Runtime.runIfWaitingForDebugger');
      // --inspect-brk stops before the first line of the runtime, as js-debug's continueOnAttach expects.
      const onStart = await inspector.event('Debugger.paused');
      assert.equal(onStart.params['reason'], 'Break on start');
      await inspector.call('Debugger.resume');

      const paused = await inspector.event('Debugger.paused', 1);
      const [top] = paused.params['callFrames'] as CallFrame[];
      assert.ok(top);
      assert.equal(top.functionName, 'handler');
      assert.equal(inspector.scriptUrl(top.location.scriptId), bundleUrl);
      assert.equal(top.location.lineNumber, position.lineNumber);
      assert.deepEqual(paused.params['hitBreakpoints'], [breakpoint.breakpointId]);
      const summary = await inspector.call<{ result: { value: unknown } }>('Debugger.evaluateOnCallFrame', {
        callFrameId: top.callFrameId,
        expression: 'summary',
      });
      assert.equal(summary.result.value, '2 x apple', 'the imported module ran before the breakpoint');

      // Paused for longer than the function's 1-second timeout, which is not enforced while debugging.
      const throttled = await invoke(emulator.url, 'NodeDebugFunction', event);
      assert.equal(throttled.status, 429, 'a second invocation is throttled: concurrency 1');
      assert.equal(throttled.errorType, 'TooManyRequestsException');
      await sleep(2000);
      assert.equal(await stillPending(first, 0), true);
      await inspector.call('Debugger.resume');
      const result = await first;
      assert.equal(result.status, 200);
      assert.equal(result.error, null);
      assert.deepEqual(result.body, { summary: '2 x apple', debugged: true });
      // The REPORT line still shows the invocation's real duration, pause included.
      const report = await waitFor('the REPORT record', () => records.find((r) => r.message.startsWith('REPORT ')));
      const duration = Number(/Duration: ([\d.]+) ms/.exec(report.message)?.[1]);
      assert.ok(duration >= 2000, `REPORT shows the paused time (${duration} ms)`);

      // The same environment, debugger still attached, takes the next invocation: it is not recycled.
      await sleep(300);
      assert.equal(isAlive(environmentPid), true);
      const second = invoke(emulator.url, 'NodeDebugFunction', { item: 'pear', quantity: 1 });
      await inspector.event('Debugger.paused', 2);

      // Stopped while paused at the breakpoint: every process of the emulator ends.
      assert.ok(processesOfInstance(instanceId).length >= 2, 'the emulator and its environment run');
      await emulator.stop();
      await second.catch(() => undefined);
      await sleep(200);
      assert.deepEqual(processesOfInstance(instanceId), [], 'no process of the emulator is left');
      assert.equal(isAlive(environmentPid), false);
    } finally {
      inspector?.close();
      await emulator.stop();
    }
  });

  test('a function name that is not in the template is refused with the functions there are', async () => {
    await assert.rejects(
      EmulatorProcess.start({
        cliPath: cli,
        nodePath: process.execPath,
        functions,
        debug: { functionName: 'NoSuchFunction', port: await freePort() },
      }),
      /--debug NoSuchFunction: .* has no function "NoSuchFunction"\. Its functions: NodeDebugFunction, PythonDebugFunction, CustomFunction\./,
    );
    const served = spawnSync(process.execPath, [cli, 'serve', '--template', template, '--port', '0', '--debug', 'Nope'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(served.status, 2);
    assert.match(
      served.stderr,
      /has no function "Nope"\. Its functions: NodeDebugFunction, PythonDebugFunction, CustomFunction\./,
    );
    assert.throws(
      () => new Emulator({ functions, debug: { functionName: 'Nope', port: 9229 } }),
      /Cannot debug "Nope": there is no function by that name\. The functions are: NodeDebugFunction, PythonDebugFunction, CustomFunction\./,
    );
    assert.throws(
      () => new Emulator({ functions, debug: { functionName: 'CustomFunction', port: 9229 } }),
      /debugging works for Node\.js and Python functions, and it runs on provided\.al2023/,
    );
  });

  test('a debug port something else listens on is refused with the port named', async () => {
    const port = await freePort();
    const h = await startEmulator([config('NodeDebugFunction')], { debug: { functionName: 'NodeDebugFunction', port } });
    const squatter = createServer();
    await new Promise<void>((done) => squatter.listen(port, '127.0.0.1', done));
    try {
      const result = await h.invoke('NodeDebugFunction', {});
      assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
      assert.match(result.json<{ errorMessage: string }>().errorMessage, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      squatter.close();
      await h.stop();
    }
  });
});

describe('debugging a Python function', () => {
  test('waits for a DAP client, stops at a breakpoint past its timeout, and leaves nothing behind', async () => {
    assert.ok(existsSync(venvPython), `The Python venv is not installed at ${venvPython}; run "npm run setup".`);
    assert.deepEqual(checkDebugpy(venvPython), { ok: true }, 'debugpy is in the venv; run "npm run setup" to install it');
    const port = await freePort();
    const records: LogRecord[] = [];
    const emulator = await EmulatorProcess.start({
      cliPath: cli,
      nodePath: process.execPath,
      functions,
      pythonPath: venvPython,
      debug: { functionName: 'PythonDebugFunction', port },
      onLog: (record) => records.push(record),
    });
    let dap: DapClient | undefined;
    try {
      const listening = await waitFor('the "Debugger listening" record', () =>
        records.find((r) => r.source === 'platform' && r.message.startsWith('Debugger listening: ')),
      );
      assert.match(listening.message, new RegExp(`attach to 127\\.0\\.0\\.1:${port} \\(debugpy\\)`));
      const [runtimePid] = processesWith(`--listen\u0000127.0.0.1:${port}`, 'cmdline');
      assert.ok(runtimePid !== undefined, 'the runtime runs under debugpy');
      const instanceId = instanceOf(runtimePid);
      const event = { order: 7 };
      const invocation = invoke(emulator.url, 'PythonDebugFunction', event);
      assert.equal(await stillPending(invocation, 1500), true, 'nothing runs before a client attaches');

      dap = await DapClient.connect(port);
      assert.equal(await stillPending(invocation, 500), true, 'a connection alone does not start the function');
      await dap.response(
        dap.request('initialize', { adapterID: 'debugpy', clientID: 'lwb-test', pathFormat: 'path', linesStartAt1: true }),
      );
      const attach = dap.request('attach', { justMyCode: true });
      await dap.event('initialized');
      const source = join(app, 'py', 'app.py');
      const set = await dap.response(
        dap.request('setBreakpoints', { source: { path: source }, breakpoints: [{ line: lineOf(source, 'return') }] }),
      );
      assert.equal((set.body?.['breakpoints'] as { verified: boolean }[])[0]?.verified, true);
      await dap.response(dap.request('configurationDone'));
      await dap.response(attach);

      const stopped = await dap.event('stopped');
      assert.equal(stopped.body?.['reason'], 'breakpoint');
      await sleep(2000);
      assert.equal(await stillPending(invocation, 0), true, 'the 1-second timeout is not enforced while paused');
      await dap.response(dap.request('continue', { threadId: stopped.body?.['threadId'] }));
      const result = await invocation;
      assert.equal(result.status, 200);
      assert.equal(result.error, null);
      assert.deepEqual(result.body, { python: true, name: 'PythonDebugFunction', event });

      // Stopped while paused at the breakpoint again: the runtime and debugpy's adapter end with it.
      const second = invoke(emulator.url, 'PythonDebugFunction', event);
      await dap.event('stopped', 1);
      assert.ok(processesOfInstance(instanceId).length >= 3, 'the emulator, the runtime and the debugpy adapter run');
      await emulator.stop();
      await second.catch(() => undefined);
      await sleep(200);
      assert.deepEqual(processesOfInstance(instanceId), [], 'no process of the emulator is left');
    } finally {
      dap?.close();
      await emulator.stop();
    }
  });

  test('without debugpy the invocation fails with the command that installs it', async () => {
    const venv = join(scratch, 'no-debugpy');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const python = join(venv, 'bin', 'python');
    const check = checkDebugpy(python);
    assert.deepEqual(check, {
      ok: false,
      message: `debugpy is not installed for ${python}. Install it with: ${python} -m pip install debugpy`,
      installCommand: `${python} -m pip install debugpy`,
    });

    const h = await startEmulator([config('PythonDebugFunction')], {
      pythonPath: python,
      debug: { functionName: 'PythonDebugFunction', port: await freePort() },
    });
    try {
      const result = await h.invoke('PythonDebugFunction', {});
      assert.equal(result.status, 200);
      assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
      assert.deepEqual(result.json(), { errorType: 'Runtime.InvalidEntrypoint', errorMessage: check.ok ? '' : check.message });
    } finally {
      await h.stop();
    }
  });
});

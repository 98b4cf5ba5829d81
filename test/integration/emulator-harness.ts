// A real emulator on 127.0.0.1 for the integration tests, with helpers to call its Invoke API
// over HTTP exactly as a client would.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Emulator, type EmulatorOptions } from '../../src/core/emulator/emulator';
import { serveEmulator, type EmulatorServer } from '../../src/core/emulator/http-api';
import type { FunctionConfig } from '../../src/core/function-config';
import type { LocalCallers } from '../../src/core/local-callers';
import type { LogRecord } from '../../src/core/logs/record';
import type { Runtime } from '../../src/core/runtimes';

export const FUNCTIONS = resolve(__dirname, '../fixtures/functions');
export const RUNTIME_DIR = resolve(__dirname, '../../src/core/emulator/runtimes');
/** The built watchdog (npm test builds before the tiers run). */
export const WATCHDOG = resolve(__dirname, '../../dist/watchdog.js');

export function fn(
  name: string,
  runtime: Runtime,
  codeDir: string,
  handler: string,
  extra: Partial<FunctionConfig> = {},
): FunctionConfig {
  return { name, runtime, handler, codeDir, timeoutSeconds: 3, memoryMB: 128, environment: {}, ...extra };
}

export function node(name: string, handler: string, extra: Partial<FunctionConfig> = {}): FunctionConfig {
  return fn(name, 'nodejs20.x', resolve(FUNCTIONS, 'node'), handler, extra);
}

export function python(name: string, handler: string, extra: Partial<FunctionConfig> = {}): FunctionConfig {
  return fn(name, 'python3.11', resolve(FUNCTIONS, 'python'), handler, extra);
}

export interface HttpInvocation {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly text: string;
  json<T = unknown>(): T;
  /** The decoded X-Amz-Log-Result, when the call asked for the log tail. */
  readonly log: string;
}

export interface Harness {
  readonly emulator: Emulator;
  readonly server: EmulatorServer;
  /** Every record the emulator wrote, in order. */
  readonly records: LogRecord[];
  invoke(
    name: string,
    payload?: unknown,
    options?: { headers?: Record<string, string>; qualifier?: string; raw?: string | Buffer },
  ): Promise<HttpInvocation>;
  stop(): Promise<void>;
}

/** Starts an emulator serving `functions`; the caller stops it (usually in an `after` hook). */
export async function startEmulator(
  functions: FunctionConfig[],
  options: Partial<EmulatorOptions> = {},
  callers?: LocalCallers,
): Promise<Harness> {
  const emulator = new Emulator({ functions, runtimeDir: RUNTIME_DIR, watchdogScript: WATCHDOG, ...options });
  const records: LogRecord[] = [];
  emulator.onLog((record) => records.push(record));
  const server = await serveEmulator(emulator, 0, callers);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // The emulator first, so invocations in flight are answered before the server closes.
    await emulator.stop();
    await server.close();
  };
  return {
    emulator,
    server,
    records,
    stop,
    async invoke(name, payload = {}, invokeOptions = {}) {
      const query = invokeOptions.qualifier === undefined ? '' : `?Qualifier=${encodeURIComponent(invokeOptions.qualifier)}`;
      const response = await fetch(`${server.url}/2015-03-31/functions/${encodeURIComponent(name)}/invocations${query}`, {
        method: 'POST',
        body: invokeOptions.raw ?? JSON.stringify(payload),
        headers: invokeOptions.headers ?? {},
      });
      const body = Buffer.from(await response.arrayBuffer());
      const tail = response.headers.get('x-amz-log-result');
      return {
        status: response.status,
        headers: response.headers,
        body,
        text: body.toString('utf8'),
        json: <T>() => JSON.parse(body.toString('utf8')) as T,
        log: tail === null ? '' : Buffer.from(tail, 'base64').toString('utf8'),
      };
    },
  };
}

/** Whether a process is still running (a zombie waiting to be reaped counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

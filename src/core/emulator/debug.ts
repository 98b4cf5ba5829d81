// Debugging one function: its environment process starts under a debugger server (the Node.js
// inspector or debugpy) on a port the caller chose, and waits for a debugger before any of the
// function's code runs. What changes for that function while it is debugged:
//   - its timeout is not enforced (a handler paused at a breakpoint is not killed), nor is the
//     10-second init limit (init waits for the debugger); the REPORT line still shows the real,
//     wall-clock duration, and the runtime still receives the deadline Lambda would give it;
//   - its concurrency is 1, like reserved concurrency 1 in Lambda: a synchronous invocation that
//     arrives while one runs is throttled (429 TooManyRequestsException), an asynchronous one
//     waits in the queue; so only one environment ever holds the port;
//   - its environment is never frozen, reaped when idle, or recycled on code changes, so the
//     debugger stays attached to one environment for the whole session; restart the session to
//     run changed code. An environment that dies (a crash, process.exit) is replaced by a new one
//     on the next invocation, which waits for a debugger again.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

/** The function to debug and the port its debugger server listens on, on 127.0.0.1. */
export interface DebugTarget {
  /** The function's name or its template logical id. */
  readonly functionName: string;
  readonly port: number;
}

export const DEBUG_HOST = '127.0.0.1';

/** A port nobody listens on right now, for the caller to hand to the debug option. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, DEBUG_HOST, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Whether something else already listens on the port; a debugger server started there would fail. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(true);
    });
    server.listen(port, DEBUG_HOST, () => {
      server.close(() => {
        resolve(false);
      });
    });
  });
}

/**
 * Whether a socket listens on the port, read from Linux's socket tables. Connecting to find out
 * would not do: debugpy takes the first connection as its client.
 */
export function isListening(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // `sl local_address rem_address st ...`; state 0A is LISTEN.
    for (const line of text.split('\n')) {
      const [, local = '', , state] = line.trim().split(/\s+/);
      if (state === '0A' && local.endsWith(`:${hexPort}`)) return true;
    }
  }
  return false;
}

export type DebugpyCheck =
  { readonly ok: true } | { readonly ok: false; readonly message: string; readonly installCommand: string };

/** Whether the interpreter can import debugpy, which debugging a Python function needs; if not, how to install it. */
export function checkDebugpy(pythonPath: string): DebugpyCheck {
  // find_spec locates the package without importing it, which is much faster.
  const script = 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("debugpy") else 3)';
  // The same bare environment the function's process gets: no PYTHONPATH from the caller.
  const result = spawnSync(pythonPath, ['-c', script], {
    encoding: 'utf8',
    timeout: 15_000,
    env: { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin' },
  });
  if (result.status === 0) return { ok: true };
  const installCommand = `${shellWord(pythonPath)} -m pip install debugpy`;
  if (result.status === 3) {
    return {
      ok: false,
      message: `debugpy is not installed for ${pythonPath}. Install it with: ${installCommand}`,
      installCommand,
    };
  }
  const reason = result.error?.message ?? (result.stderr.trim().split('\n').pop() || `exit ${String(result.status)}`);
  return {
    ok: false,
    message: `Could not check for debugpy with ${pythonPath} (${reason}). Check the Python path, then install debugpy with: ${installCommand}`,
    installCommand,
  };
}

/** The platform's log line when the debugger server is ready; the editor reads the port from it. */
export function debuggerListeningLine(port: number, server: 'Node.js inspector' | 'debugpy'): string {
  return `Debugger listening: attach to ${DEBUG_HOST}:${port} (${server}). The function's code runs once a debugger is attached.`;
}

/** Quotes a path for a POSIX shell when it needs it, so the install command can be pasted as is. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

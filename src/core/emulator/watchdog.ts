// A small process that outlives the emulator only to end what the emulator started. It holds a
// pipe from the emulator and a list of the environments' processes; when the pipe closes (the
// emulator ended, however: SIGKILL, the OOM killer, an editor crash) it kills each of those
// environments' processes, frozen ones included, and exits. An emulator that stops cleanly has
// already ended them, and the list is empty. At its start it also sweeps the leftovers of emulators
// that died with their watchdog (see processes.ts). This file is both the emulator's side
// (`Watchdog`) and the watchdog process's (`runWatchdog`, started from dist/watchdog.js).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import { killEnvironment, sweepOrphans, type KnownProcess, type ProcessId } from './processes';

/** The emulator's side: tells the watchdog of every process of every environment, as each is seen. */
export class Watchdog {
  private child: ChildProcessByStdio<Writable, null, null> | undefined;
  private readonly known = new Map<string, KnownProcess>();
  private closed = false;

  /** @param script dist/watchdog.js; no watchdog runs when it is missing (the emulator from sources). */
  constructor(
    private readonly script: string,
    private readonly nodePath: string = process.execPath,
  ) {}

  get available(): boolean {
    return existsSync(this.script);
  }

  add(processes: readonly KnownProcess[]): void {
    const fresh = processes.filter((p) => !this.known.has(key(p)));
    for (const p of fresh) this.known.set(key(p), p);
    if (fresh.length > 0) this.send(fresh.map((p) => `+ ${p.pid} ${p.startTime} ${p.session ?? -1} ${p.group ?? -1}\n`).join(''));
  }

  remove(processes: readonly ProcessId[]): void {
    const gone = processes.filter((p) => this.known.delete(key(p)));
    if (gone.length > 0) this.send(gone.map((p) => `- ${p.pid} ${p.startTime}\n`).join(''));
  }

  /** Lets the watchdog go: with nothing left on its list, it exits. */
  close(): void {
    this.closed = true;
    this.child?.stdin.end();
    this.child = undefined;
  }

  private send(lines: string): void {
    if (this.closed || !this.available) return;
    if (this.child === undefined) {
      this.child = this.start();
      // A new watchdog learns everything still alive; the lines just added are part of it.
      lines = [...this.known.values()].map((p) => `+ ${p.pid} ${p.startTime} ${p.session ?? -1} ${p.group ?? -1}\n`).join('');
    }
    this.child.stdin.write(lines);
  }

  private start(): ChildProcessByStdio<Writable, null, null> {
    const child = spawn(this.nodePath, [this.script], {
      // A session of its own: a signal to the emulator's process group does not reach it.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: {
        PATH: process.env['PATH'] ?? '',
        // An editor's own executable runs scripts only when told to behave as Node.js.
        ...(process.env['ELECTRON_RUN_AS_NODE'] === undefined ? {} : { ELECTRON_RUN_AS_NODE: '1' }),
      },
    });
    child.unref();
    child.stdin.on('error', () => {});
    child.once('exit', () => {
      // Killed by someone: the next change starts another one, told of everything still alive.
      if (this.child === child) this.child = undefined;
    });
    child.once('error', () => {
      if (this.child === child) this.child = undefined;
    });
    return child;
  }
}

function key(id: ProcessId): string {
  return `${id.pid}-${id.startTime}`;
}

/** The watchdog process: reads its list from standard input; at its end, kills what is on it. */
export function runWatchdog(): void {
  const known = new Map<string, KnownProcess>();
  let partial = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [op, pid, startTime, session, group] = line.split(' ').map((part, i) => (i === 0 ? part : Number(part)));
      if (typeof pid !== 'number' || typeof startTime !== 'number') continue;
      if (op === '+') {
        known.set(`${pid}-${startTime}`, {
          pid,
          startTime,
          ...(typeof session === 'number' && session > 0 ? { session } : {}),
          ...(typeof group === 'number' && group > 0 ? { group } : {}),
        });
      } else if (op === '-') {
        known.delete(`${pid}-${startTime}`);
      }
    }
  });
  const end = () => {
    if (known.size > 0) killEnvironment(known.values());
    process.exit(0);
  };
  process.stdin.once('end', end);
  process.stdin.once('error', end);
  // The emulator's signals never reach this session; other signals end it cleanly too.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, end);
  setImmediate(() => sweepOrphans());
}

// The processes of one environment: the runtime started in a session of its own, everything it
// starts, and what they write. Output goes to a file, not a pipe: a write to a file is complete when
// it returns, so everything a runtime wrote before it posted its answer is in the file when the
// answer arrives, and the environment reads it all before END, whatever the runtime (Lambda's own
// Node.js runtime writes each record synchronously for the same reason). The file has no name (it
// is unlinked once open), so nothing is left behind however the emulator ends; it is emptied while
// the environment is frozen. Freezing, thawing and killing reach every process of the environment
// (processes.ts), and a watchdog is told of each one, to end them if the emulator dies.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  unlinkSync,
  watch,
  type FSWatcher,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  environmentMembers,
  killEnvironment,
  peakResidentKB,
  processTable,
  readProcess,
  residentKB,
  signalAll,
  type KnownProcess,
  type ProcessInfo,
} from './processes';
import type { Watchdog } from './watchdog';

/** Read at most this much at a time, so a chatty runtime's output is taken in steps. */
const READ_CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

export interface ProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** Each complete line the environment's processes write, in order, stdout and stderr together. */
  readonly onLine: (line: string) => void;
  readonly onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** The process could not be started at all. */
  readonly onSpawnError: (error: Error) => void;
  readonly watchdog?: Watchdog;
}

export class EnvironmentProcess {
  private readonly child: ChildProcess;
  private readonly known = new Map<number, KnownProcess>();
  /** The processes stopped by the last freeze. */
  private frozenMembers: ProcessInfo[] = [];
  private output: OutputFile | undefined;
  private exited = false;

  private constructor(
    private readonly options: ProcessOptions,
    output: OutputFile,
  ) {
    this.output = output;
    // Its own session and process group, so the environment and everything it starts can be found,
    // frozen and killed together.
    this.child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', output.writeFd, output.writeFd],
    });
    this.child.once('error', (error) => {
      this.exited = true;
      options.onSpawnError(error);
    });
    this.child.once('exit', (code, signal) => {
      this.exited = true;
      this.drain(true);
      options.onExit(code, signal);
    });
    const pid = this.child.pid;
    if (pid !== undefined) {
      const startTime = readProcess(pid)?.startTime;
      // A session leader: its session and group ids are its pid.
      if (startTime !== undefined) this.remember([{ pid, startTime, session: pid, group: pid }]);
    }
  }

  /**
   * Starts the runtime; throws what spawn throws synchronously (an argument with a NUL byte, say),
   * with nothing left open.
   */
  static start(options: ProcessOptions): EnvironmentProcess {
    const output = OutputFile.create((line) => options.onLine(line));
    try {
      return new EnvironmentProcess(options, output);
    } catch (error) {
      output.close();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Reports every complete line written so far; with `all`, a last line without a newline too. */
  drain(all = false): void {
    this.output?.drain(all);
  }

  residentKB(): number | undefined {
    return this.child.pid === undefined ? undefined : residentKB(this.child.pid);
  }

  peakResidentKB(): number | undefined {
    return this.child.pid === undefined ? undefined : peakResidentKB(this.child.pid);
  }

  /** Stops every process of the environment (SIGSTOP), then takes its output and empties the file. */
  freeze(): void {
    if (this.exited) return;
    this.frozenMembers = this.members();
    signalAll(this.frozenMembers, 'SIGSTOP');
    this.output?.drainAndEmpty();
  }

  thaw(): void {
    signalAll(this.frozenMembers, 'SIGCONT');
    this.frozenMembers = [];
  }

  /** Kills every process of the environment, stopped ones included; the output file closes once read. */
  kill(): void {
    const killed = killEnvironment(this.known.values());
    this.remember(killed.map(({ pid, startTime, session, group }) => ({ pid, startTime, session, group })));
  }

  /** After the kill and the exit: nothing more will be written, so the watchdog can forget these. */
  release(): void {
    this.drain(true);
    this.output?.close();
    this.output = undefined;
    this.options.watchdog?.remove([...this.known.values()]);
  }

  /**
   * Looks for processes the runtime started since the last look (called while an invocation runs),
   * so that each is found at the end even if it leaves the runtime's session and its parent ends.
   */
  track(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exited) return;
    if (childPids(pid).some((child) => !this.known.has(child))) this.members();
  }

  /**
   * The environment's processes now. The whole process table is read only when the runtime has
   * children or others were seen before; a runtime alone is the usual case between invocations.
   */
  private members(): ProcessInfo[] {
    const pid = this.child.pid;
    if (pid === undefined) return [];
    const root = readProcess(pid);
    if (root === undefined) return [];
    if (this.known.size === 1 && childPids(pid).length === 0) return [root];
    const members = environmentMembers(processTable(), this.known.values());
    this.remember(members.map(({ pid: id, startTime, session, group }) => ({ pid: id, startTime, session, group })));
    return members;
  }

  private remember(processes: readonly KnownProcess[]): void {
    const fresh = processes.filter((p) => this.known.get(p.pid)?.startTime !== p.startTime);
    for (const p of fresh) this.known.set(p.pid, p);
    if (fresh.length > 0) this.options.watchdog?.add(fresh);
  }
}

/** The children of a process, whichever of its threads started them. */
function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter((id) => id !== '')
        .map(Number),
    );
  } catch {
    // No /proc here, or the process is gone.
    return [];
  }
}

/**
 * The file the environment's processes write to: appended to by them (O_APPEND), read by the
 * emulator from where it left off, split into lines as bytes so a character is never cut.
 */
class OutputFile {
  private position = 0;
  private partial: Buffer = Buffer.alloc(0);
  private readonly buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private watcher: FSWatcher | undefined;
  private closed = false;

  private constructor(
    readonly writeFd: number,
    private readonly readFd: number,
    private readonly onLine: (line: string) => void,
  ) {}

  static create(onLine: (line: string) => void): OutputFile {
    // A new name no one can guess, created exclusively and readable by this user only, then unlinked.
    const path = join(tmpdir(), `lambda-workbench-output-${randomUUID()}`);
    const writeFd = openSync(path, 'ax', 0o600);
    let readFd: number | undefined;
    let watcher: FSWatcher | undefined;
    try {
      readFd = openSync(path, 'r');
      try {
        // Lines show as they are written, for live log views; where the platform cannot watch an
        // unlinked file, they show at the points the environment reads them (START, the answer, the end).
        watcher = watch(path, { persistent: false });
      } catch {
        watcher = undefined;
      }
    } finally {
      unlinkSync(path);
    }
    const file = new OutputFile(writeFd, readFd, onLine);
    if (watcher !== undefined) {
      const active = watcher;
      file.watcher = active;
      active.on('change', () => file.drain(false));
      active.on('error', () => {
        active.close();
        file.watcher = undefined;
      });
    }
    return file;
  }

  drain(all: boolean): void {
    if (this.closed) return;
    for (;;) {
      let read: number;
      try {
        read = readSync(this.readFd, this.buffer, 0, this.buffer.length, this.position);
      } catch {
        break;
      }
      if (read === 0) break;
      this.position += read;
      this.split(this.buffer.subarray(0, read));
    }
    if (all && this.partial.length > 0) {
      const last = this.partial.toString('utf8');
      this.partial = Buffer.alloc(0);
      this.onLine(last);
    }
  }

  /** Reads what is there, then empties the file; only while no process of the environment runs. */
  drainAndEmpty(): void {
    this.drain(false);
    if (this.closed || this.position === 0) return;
    try {
      ftruncateSync(this.writeFd, 0);
      this.position = 0;
    } catch {
      // Kept as it is; read on from where it was.
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    closeSync(this.writeFd);
    closeSync(this.readFd);
  }

  private split(chunk: Buffer): void {
    let data = this.partial.length === 0 ? chunk : Buffer.concat([this.partial, chunk]);
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end >= 0; end = data.indexOf(NEWLINE, start)) {
      this.onLine(data.toString('utf8', start, end));
      start = end + 1;
    }
    data = data.subarray(start);
    // The rest waits for its newline; a copy, since the read buffer is reused.
    this.partial = Buffer.from(data);
  }
}

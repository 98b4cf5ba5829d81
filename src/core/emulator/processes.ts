// What the emulator reads about its environments' processes from Linux's /proc, and how it makes
// sure none of them outlive their environment.
import { readFileSync, readdirSync } from 'node:fs';

const PAGE_SIZE_KB = 4;

/** Current resident memory of a process in KB, or undefined when it is gone. */
export function residentKB(pid: number): number | undefined {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * PAGE_SIZE_KB : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident memory of a process in KB (VmHWM), or undefined when it is gone. */
export function peakResidentKB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** Sends SIGKILL to a process group; a group that is already gone is fine. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** The variable that marks an environment's processes: `<emulator id>/<environment id>`. */
export const ENVIRONMENT_MARKER = '_LAMBDA_WORKBENCH_ENVIRONMENT';

/**
 * Kills every process whose environment holds a variable starting with `prefix` (`NAME=value...`).
 * A handler can start children in a new session or process group; they still inherit the
 * environment, so this finds them where killing the group would not.
 */
export function killProcessesWithEnvironment(prefix: string): number[] {
  const killed: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return killed;
  }
  const needle = Buffer.from(`\0${prefix}`);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      // environ is NUL-separated; a leading NUL anchors the match at a variable's start.
      const environ = Buffer.concat([Buffer.from('\0'), readFileSync(`/proc/${pid}/environ`), Buffer.from('\0')]);
      if (environ.includes(needle)) {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return killed;
}

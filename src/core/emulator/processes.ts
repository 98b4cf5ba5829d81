// The processes of an environment, as Linux's /proc shows them, and how the emulator makes sure none
// of them outlives its environment. An environment's runtime starts as the leader of a session and
// a process group of its own; what it starts stays in both unless it leaves them (a detached spawn,
// setsid), and a process that leaves them still has its parent until that parent ends. So the
// members are found at kill time by session, group and parent chain, from every process ever seen in
// the environment (a child seen once stays known even after its parent is gone), never by a
// variable a child can drop. Processes are named by pid and start time, so a reused pid is never mistaken.
import { readFileSync, readdirSync } from 'node:fs';

const PAGE_SIZE_KB = 4;

/** One process, as /proc/<pid>/stat describes it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly group: number;
  readonly session: number;
  /** Clock ticks after boot: with the pid, names the process for good. */
  readonly startTime: number;
  /** R, S, D, T (stopped), Z (zombie)... */
  readonly state: string;
}

/** A process by pid and start time. */
export interface ProcessId {
  readonly pid: number;
  readonly startTime: number;
}

/** The process's /proc/<pid>/stat, or undefined when it is gone (or /proc is not there). */
export function readProcess(pid: number): ProcessInfo | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Parses a stat line; the command name (field 2) may hold spaces and parentheses, so fields count from its last ')'. */
export function parseStat(line: string): ProcessInfo | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(line.slice(0, line.indexOf(' ')));
  const fields = line.slice(close + 2).split(' ');
  // After the name: state(3) ppid(4) pgrp(5) session(6) ... starttime(22).
  const [state, ppid, group, session] = fields;
  const startTime = Number(fields[19]);
  if (state === undefined || !Number.isInteger(pid) || !Number.isFinite(startTime)) return undefined;
  return { pid, ppid: Number(ppid), group: Number(group), session: Number(session), startTime, state };
}

/** Every process this user can see, by pid. */
export function processTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info !== undefined) table.set(info.pid, info);
  }
  return table;
}

/** Whether the process named by `id` still runs (a zombie does not). */
export function isRunning(id: ProcessId): boolean {
  const info = readProcess(id.pid);
  return info !== undefined && info.startTime === id.startTime && info.state !== 'Z';
}

/** A process once seen in an environment, with the session and group it had then. */
export interface KnownProcess extends ProcessId {
  readonly session?: number;
  readonly group?: number;
}

/**
 * The processes of an environment: those of `known` that still run, every process in one of their
 * sessions or process groups, and every descendant of any of these, to a fixed point. A session or
 * group of a process that is gone still counts while its id is not a new process's: Linux does not
 * reuse a pid while a session or group of that id has members. The emulator and its ancestors are
 * never members, whatever a handler did.
 */
export function environmentMembers(table: ReadonlyMap<number, ProcessInfo>, known: Iterable<KnownProcess>): ProcessInfo[] {
  const protectedPids = ancestorsOf(table, process.pid);
  const seen = [...known];
  const startTimes = new Map(seen.map((id) => [id.pid, id.startTime]));
  /** An id of a session or group is ours when its leader is gone or is one of our processes. */
  const ours = (id: number) => {
    const leader = table.get(id);
    return leader === undefined ? !protectedPids.has(id) : startTimes.get(id) === leader.startTime;
  };
  const members = new Map<number, ProcessInfo>();
  const parents = new Set<number>();
  const sessions = new Set<number>();
  const groups = new Set<number>();
  const include = (info: ProcessInfo): boolean => {
    if (parents.has(info.pid) || protectedPids.has(info.pid)) return false;
    parents.add(info.pid);
    sessions.add(info.session);
    groups.add(info.group);
    if (info.state !== 'Z') members.set(info.pid, info);
    return true;
  };
  for (const id of seen) {
    const info = table.get(id.pid);
    if (info?.startTime === id.startTime) {
      include(info);
      continue;
    }
    if (id.session !== undefined && ours(id.session)) sessions.add(id.session);
    if (id.group !== undefined && ours(id.group)) groups.add(id.group);
  }
  // The sessions and groups of the emulator's own line are never the environment's.
  for (const pid of protectedPids) {
    const info = table.get(pid);
    if (info === undefined) continue;
    sessions.delete(info.session);
    groups.delete(info.group);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const info of table.values()) {
      if (sessions.has(info.session) || groups.has(info.group) || parents.has(info.ppid)) grew = include(info) || grew;
    }
  }
  return [...members.values()];
}

function ancestorsOf(table: ReadonlyMap<number, ProcessInfo>, pid: number): Set<number> {
  const line = new Set<number>();
  for (let current = table.get(pid) ?? readProcess(pid); current !== undefined && !line.has(current.pid);) {
    line.add(current.pid);
    if (current.ppid <= 0) break;
    current = table.get(current.ppid) ?? readProcess(current.ppid);
  }
  line.add(process.pid);
  return line;
}

/**
 * Kills every process of an environment with SIGKILL, which stopped (frozen) processes obey too,
 * and looks again until none is left, since one may fork between the look and the kill.
 * Returns the processes it killed.
 */
export function killEnvironment(known: Iterable<KnownProcess>): ProcessInfo[] {
  const killed: ProcessInfo[] = [];
  let seeds: KnownProcess[] = [...known];
  for (let round = 0; round < 5; round++) {
    const members = environmentMembers(processTable(), seeds);
    if (members.length === 0) break;
    for (const member of members) signal(member.pid, 'SIGKILL');
    killed.push(...members);
    // Killed processes are zombies or gone; their children, reparented, keep the session and group.
    seeds = [...seeds, ...members];
  }
  return killed;
}

/** Sends `name` to each of `members` (freezing and thawing an environment). */
export function signalAll(members: readonly ProcessInfo[], name: NodeJS.Signals): void {
  for (const member of members) signal(member.pid, name);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

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

/**
 * The variable that marks an environment's processes: `<emulator id>/<environment id>/<emulator
 * pid>-<emulator start time>`. It is not how members are found (a child can drop it); it lets the
 * next emulator find the leftovers of one that died without its watchdog, and lets tests and
 * tools see whose a process is.
 */
export const ENVIRONMENT_MARKER = '_LAMBDA_WORKBENCH_ENVIRONMENT';

let self: ProcessId | undefined;

/** This process, as the owner named in its environments' markers. */
export function selfId(): ProcessId {
  self ??= { pid: process.pid, startTime: readProcess(process.pid)?.startTime ?? 0 };
  return self;
}

export function markerValue(emulatorId: string, environmentId: string, owner: ProcessId): string {
  return `${emulatorId}/${environmentId}/${owner.pid}-${owner.startTime}`;
}

/** The owner named in a marker's value, when it names one. */
export function markerOwner(value: string): ProcessId | undefined {
  const match = /\/(\d+)-(\d+)$/.exec(value);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { pid: Number(match[1]), startTime: Number(match[2]) };
}

/** The processes of this user whose environment holds `ENVIRONMENT_MARKER=<value>`, each with that value. */
export function markedProcesses(): { process: ProcessInfo; marker: string }[] {
  const found: { process: ProcessInfo; marker: string }[] = [];
  const uid = process.getuid?.();
  const needle = Buffer.from(`\0${ENVIRONMENT_MARKER}=`);
  for (const info of processTable().values()) {
    if (info.pid === process.pid) continue;
    try {
      // environ is NUL-separated; a leading NUL anchors the match at a variable's start.
      const environ = Buffer.concat([Buffer.from('\0'), readFileSync(`/proc/${info.pid}/environ`)]);
      const at = environ.indexOf(needle);
      if (at < 0) continue;
      const end = environ.indexOf(0, at + 1);
      const marker = environ.subarray(at + needle.length, end < 0 ? undefined : end).toString('utf8');
      if (uid === undefined || uid === 0 || readOwner(info.pid) === uid) found.push({ process: info, marker });
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

function readOwner(pid: number): number | undefined {
  try {
    const match = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** Kills every process whose marker value starts with `prefix` (an emulator id and '/'), with its members. */
export function killMarked(prefix: string): ProcessInfo[] {
  const marked = markedProcesses().filter(({ marker }) => marker.startsWith(prefix));
  return marked.length === 0 ? [] : killEnvironment(marked.map(({ process: info }) => info));
}

/**
 * Kills what emulators that are gone left behind (killed with SIGKILL along with their watchdog,
 * say): marked processes whose owning emulator no longer runs. Returns what it killed.
 */
export function sweepOrphans(): ProcessInfo[] {
  const orphans = markedProcesses().filter(({ marker }) => {
    const owner = markerOwner(marker);
    return owner !== undefined && !isRunning(owner);
  });
  return orphans.length === 0 ? [] : killEnvironment(orphans.map(({ process: info }) => info));
}

/** Signals a process group by its leader's pid; nothing for a process that never started (process.kill(-0) would signal this process's own group). */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined || pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

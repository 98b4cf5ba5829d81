// V8 startup snapshots of the Node.js bootstrap, one per heap size. Lambda's Node.js runtime
// starts with a heap-size flag; any V8 flag makes Node rebuild its own start-up snapshot, which
// costs about 15 ms of every cold start here. A snapshot built with the same flag starts as fast as
// a plain `node`. A snapshot is built in the background on first need and used only once it has
// loaded and shown, built-in by built-in, the same modules and globals as the bootstrap file (see
// builtinsFingerprint in the bootstrap): a startup optimization must never change what a handler
// sees. Snapshots are kept in a folder only this user can write, keyed by Node.js and the bootstrap.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { privateDir, whyNotPrivate } from '../private-dir';

/** Node.js options a snapshot tolerates in NODE_OPTIONS; V8 flags would make it fail to load. */
const SNAPSHOT_SAFE_OPTIONS = new Set([
  '--enable-source-maps',
  '--no-deprecation',
  '--no-warnings',
  '--trace-warnings',
  '--trace-uncaught',
]);

/** Snapshots of other Node.js versions or older bootstraps, untouched for a day, are removed. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
const CHECK_VARIABLE = '_LAMBDA_WORKBENCH_SNAPSHOT_CHECK';

export class NodeSnapshots {
  private readonly ready = new Map<number, string | undefined>();
  private readonly building = new Map<number, Promise<string | undefined>>();
  private readonly key: string;
  private cache: { path: string; refused?: string } | undefined;

  /**
   * @param onProblem told, once, when the cache folder was refused or a snapshot differs from the
   *   bootstrap file; environments then start without one.
   */
  constructor(
    private readonly nodePath: string,
    private readonly bootstrap: string,
    private readonly cacheDir = join(tmpdir(), `lambda-workbench-${userInfo().uid}`, 'node-snapshots'),
    private readonly onProblem: (message: string) => void = () => {},
  ) {
    this.key = createHash('sha256')
      .update(nodePath)
      .update(process.version)
      // The snapshot holds the bootstrap's path as its __filename.
      .update(bootstrap)
      .update(existsSync(bootstrap) ? readFileSync(bootstrap) : '')
      .digest('hex')
      .slice(0, 16);
  }

  /** Whether a function's own NODE_OPTIONS leave a snapshot usable. */
  static compatible(nodeOptions: string | undefined): boolean {
    return (nodeOptions ?? '').split(/\s+/).every((option) => option === '' || SNAPSHOT_SAFE_OPTIONS.has(option));
  }

  /** The snapshot for a heap size, if it is ready; otherwise starts building it and returns undefined. */
  blobFor(heapMB: number): string | undefined {
    if (this.ready.has(heapMB)) return this.ready.get(heapMB);
    if (!this.building.has(heapMB)) {
      const path = this.pathFor(heapMB);
      // A blob is code: one that is not this user's alone is never loaded.
      if (existsSync(path) && whyNotPrivate(path) === undefined) {
        this.ready.set(heapMB, path);
        return path;
      }
    }
    void this.build(heapMB);
    return undefined;
  }

  /** Builds (or finds) the snapshot for a heap size; undefined when this Node.js cannot make a faithful one. */
  build(heapMB: number): Promise<string | undefined> {
    let pending = this.building.get(heapMB);
    if (pending === undefined) {
      pending = this.make(heapMB).then((path) => {
        this.ready.set(heapMB, path);
        return path;
      });
      this.building.set(heapMB, pending);
    }
    return pending;
  }

  /** Removes the folder used in place of a refused one; a snapshot folder of our own is kept for the next start. */
  dispose(): void {
    if (this.cache?.refused !== undefined) rmSync(this.cache.path, { recursive: true, force: true });
  }

  private folder(): string {
    if (this.cache === undefined) {
      this.cache = privateDir(this.cacheDir);
      if (this.cache.refused !== undefined) this.onProblem(`The snapshot folder ${this.cache.refused}.`);
    }
    return this.cache.path;
  }

  private pathFor(heapMB: number): string {
    return join(this.folder(), `${this.key}-${heapMB}.blob`);
  }

  private removeStale(): void {
    const folder = this.folder();
    for (const name of readdirSync(folder)) {
      if (name.startsWith(this.key)) continue;
      const path = join(folder, name);
      try {
        if (Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { force: true });
      } catch {
        // Removed meanwhile by another emulator.
      }
    }
  }

  private async make(heapMB: number): Promise<string | undefined> {
    const final = this.pathFor(heapMB);
    if (existsSync(final) && whyNotPrivate(final) === undefined) return final;
    const partial = `${final}.${process.pid}.partial`;
    try {
      rmSync(final, { force: true });
      const flag = `--max-old-space-size=${heapMB}`;
      const built = await run(this.nodePath, [flag, '--snapshot-blob', partial, '--build-snapshot', this.bootstrap]);
      if (built === undefined) return undefined;
      // A snapshot that does not load, or changes anything a handler can reach, never reaches an environment.
      const [fromSnapshot, fromFile] = await Promise.all([
        run(this.nodePath, [flag, '--snapshot-blob', partial], { [CHECK_VARIABLE]: '1' }),
        run(this.nodePath, [flag, this.bootstrap], { [CHECK_VARIABLE]: '1' }),
      ]);
      if (fromSnapshot === undefined || fromFile === undefined) return undefined;
      if (fromSnapshot !== fromFile) {
        this.onProblem(
          `A startup snapshot of Node.js ${process.version} would change built-in modules or globals that handlers see, so Node.js environments start without one.`,
        );
        return undefined;
      }
      renameSync(partial, final);
      this.removeStale();
      return final;
    } catch {
      return undefined;
    } finally {
      rmSync(partial, { force: true });
    }
  }
}

/** Runs a short Node.js process; its standard output when it exits 0 within 30 seconds, else undefined. */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? output : undefined);
    });
  });
}

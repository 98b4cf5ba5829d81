// V8 startup snapshots of the Node.js bootstrap, one per heap size. Lambda's Node.js runtime
// starts with a heap-size flag; any V8 flag makes Node rebuild its own start-up snapshot, which
// costs about 15 ms on this machine's cold starts. A snapshot built with the same flag starts as
// fast as a plain `node`. Snapshots are built in the background on first need, checked once, and
// kept in a cache folder keyed by the Node.js version and the bootstrap's content.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Node.js options a snapshot tolerates in NODE_OPTIONS; V8 flags would make it fail to load. */
const SNAPSHOT_SAFE_OPTIONS = new Set([
  '--enable-source-maps',
  '--no-deprecation',
  '--no-warnings',
  '--trace-warnings',
  '--trace-uncaught',
]);

export class NodeSnapshots {
  private readonly ready = new Map<number, string | undefined>();
  private readonly building = new Map<number, Promise<string | undefined>>();
  private readonly key: string;

  constructor(
    private readonly nodePath: string,
    private readonly bootstrap: string,
    private readonly cacheDir = join(tmpdir(), `lambda-workbench-${userInfo().uid}`, 'node-snapshots'),
  ) {
    this.key = createHash('sha256')
      .update(nodePath)
      .update(process.version)
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
    const path = this.pathFor(heapMB);
    if (existsSync(path)) {
      this.ready.set(heapMB, path);
      return path;
    }
    void this.build(heapMB);
    return undefined;
  }

  /** Builds (or finds) the snapshot for a heap size; undefined when this Node.js cannot make one. */
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

  private pathFor(heapMB: number): string {
    return join(this.cacheDir, `${this.key}-${heapMB}.blob`);
  }

  private removeStale(): void {
    for (const name of readdirSync(this.cacheDir)) {
      if (name.startsWith(this.key)) continue;
      const path = join(this.cacheDir, name);
      try {
        if (Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { force: true });
      } catch {
        // Removed meanwhile by another emulator.
      }
    }
  }

  private async make(heapMB: number): Promise<string | undefined> {
    const final = this.pathFor(heapMB);
    if (existsSync(final)) return final;
    const partial = `${final}.${process.pid}.partial`;
    try {
      mkdirSync(this.cacheDir, { recursive: true });
      const flag = `--max-old-space-size=${heapMB}`;
      const built = await run(this.nodePath, [flag, '--snapshot-blob', partial, '--build-snapshot', this.bootstrap], {});
      // A snapshot that does not load must never reach an environment: start it once first.
      const loads =
        built && (await run(this.nodePath, [flag, '--snapshot-blob', partial], { _LAMBDA_WORKBENCH_SNAPSHOT_CHECK: '1' }));
      if (!loads) return undefined;
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

/** Snapshots of other Node.js versions or older bootstraps, untouched for a day, are removed. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** Runs a short Node.js process; true when it exits 0 within 30 seconds. */
function run(command: string, args: string[], env: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

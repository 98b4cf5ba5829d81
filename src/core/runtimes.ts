// The Lambda runtime identifiers Lambda Workbench knows, and what each implies locally.

export const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;
export const PYTHON_RUNTIMES = ['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13'] as const;
export const CUSTOM_RUNTIMES = ['provided.al2', 'provided.al2023'] as const;

export type NodeRuntime = (typeof NODE_RUNTIMES)[number];
export type PythonRuntime = (typeof PYTHON_RUNTIMES)[number];
export type CustomRuntime = (typeof CUSTOM_RUNTIMES)[number];
export type Runtime = NodeRuntime | PythonRuntime | CustomRuntime;

export const RUNTIMES: readonly Runtime[] = [...NODE_RUNTIMES, ...PYTHON_RUNTIMES, ...CUSTOM_RUNTIMES];

export function isRuntime(value: string): value is Runtime {
  return (RUNTIMES as readonly string[]).includes(value);
}

export function isNodeRuntime(value: string): value is NodeRuntime {
  return (NODE_RUNTIMES as readonly string[]).includes(value);
}

/** The esbuild `target` for code that runs on a Node.js runtime, e.g. `node22` for `nodejs22.x`. */
export function esbuildTarget(runtime: NodeRuntime): string {
  return `node${runtime.slice('nodejs'.length, -'.x'.length)}`;
}

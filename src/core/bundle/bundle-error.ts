// A handler that does not build, told as esbuild located it in the user's source.
import { basename, join, relative } from 'node:path';
import type { BuildFailure, Message } from 'esbuild';
import { WorkbenchError } from '../errors';

/** A problem esbuild reported, located in the user's source. */
export interface BundleProblem {
  readonly text: string;
  readonly file?: string;
  /** 1-based line and 0-based column, as esbuild reports them. */
  readonly line?: number;
  readonly column?: number;
}

export class BundleError extends WorkbenchError {
  override name = 'BundleError';

  constructor(
    readonly entry: string,
    readonly problems: readonly BundleProblem[],
    displayRoot?: string,
  ) {
    const first = problems[0];
    const where = first ? formatProblem(first, displayRoot) : 'no details were reported';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(`Bundling ${basename(entry)} failed: ${where}${more}. Fix the code and bundle again.`);
  }
}

/** `file:line:column: text`, the file relative to `displayRoot` when given. */
export function formatProblem(problem: BundleProblem, displayRoot?: string): string {
  if (problem.file === undefined) return problem.text;
  const file = displayRoot ? relative(displayRoot, problem.file) || problem.file : problem.file;
  const line = problem.line ?? 0;
  const column = problem.column ?? 0;
  return `${file}:${line}:${column + 1}: ${problem.text}`;
}

/** An esbuild message as a problem; esbuild locates files relative to the build's working folder. */
export function toProblem(message: Message, workingDir: string): BundleProblem {
  const location = message.location;
  if (!location) return { text: message.text };
  return { text: message.text, file: join(workingDir, location.file), line: location.line, column: location.column };
}

export function isBuildFailure(error: unknown): error is BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<BuildFailure>).errors);
}

// `.env` files: KEY=value lines, the way dotenv reads them (quotes, `export`, comments).
import { readFileSync } from 'node:fs';
import { WorkbenchError } from './errors';

export interface EnvFile {
  readonly variables: Record<string, string>;
  /** 1-based numbers of the lines that are neither a variable, a comment nor blank, and were skipped. */
  readonly skippedLines: readonly number[];
}

export function parseEnvFile(text: string): EnvFile {
  const variables: Record<string, string> = {};
  const skippedLines: number[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match?.[1]) {
      skippedLines.push(index + 1);
      return;
    }
    let value = match[2] ?? '';
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      // An unquoted value ends at a comment.
      value = value.replace(/\s+#.*$/, '').trim();
    }
    variables[match[1]] = value;
  });
  return { variables, skippedLines };
}

export function readEnvFile(path: string): EnvFile {
  try {
    return parseEnvFile(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new WorkbenchError(`Cannot read the environment file ${path}: ${(error as Error).message}.`, { cause: error });
  }
}

/**
 * Why a line was skipped, without quoting it: a line that is not KEY=value may still hold a secret
 * (`API_KEY: abc`), and warnings end up in logs.
 */
export function skippedLineWarning(path: string, line: number): string {
  return `${path}:${line}: this line is not KEY=value, so it is skipped. Write it as NAME=value, or start it with # to make it a comment.`;
}

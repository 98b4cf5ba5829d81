// `.env` files: KEY=value lines, the way dotenv reads them (quotes, `export`, comments).
import { readFileSync } from 'node:fs';
import { WorkbenchError } from './errors';

export function parseEnvFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match?.[1]) continue;
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
  }
  return variables;
}

export function readEnvFile(path: string): Record<string, string> {
  try {
    return parseEnvFile(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new WorkbenchError(`Cannot read the environment file ${path}: ${(error as Error).message}.`, { cause: error });
  }
}

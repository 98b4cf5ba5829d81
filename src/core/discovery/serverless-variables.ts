// serverless.yml's variables (`${self:custom.table}`, `${opt:stage, 'dev'}`, `${sls:stage}`):
// the ones a local run can know are resolved; the rest (env, ssm, cf, file...) stay as written,
// each with a warning, since guessing them would run the function with values it never sees.

export interface VariableSources {
  /** The whole serverless.yml, for `self:` references. */
  readonly document: unknown;
  /** The `--stage` the Serverless Framework would be given, also `${sls:stage}` once known. */
  readonly stage?: string;
  readonly region?: string;
}

/** Nested variables (`${self:custom.${sls:stage}}`) and self references are followed this deep. */
const MAX_DEPTH = 10;

export class ServerlessVariables {
  constructor(private readonly sources: VariableSources) {}

  /**
   * A value with its variables resolved. A string that is one variable takes the variable's own
   * value (a number stays a number); variables inside longer text are written into it.
   */
  resolve(value: unknown, where: string, warnings: string[], depth = 0): unknown {
    if (typeof value === 'string') return this.resolveText(value, where, warnings, depth);
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, where, warnings, depth));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.resolve(item, `${where}.${key}`, warnings, depth)]),
      );
    }
    return value;
  }

  private resolveText(text: string, where: string, warnings: string[], depth: number): unknown {
    const start = text.indexOf('${');
    if (start < 0) return text;
    const end = closingBrace(text, start + 2);
    if (end < 0) return text;
    const expression = text.slice(start + 2, end);
    const value = this.evaluate(expression, where, warnings, depth);
    if (value === undefined) {
      warnings.push(`${where}: \${${expression}} cannot be resolved locally; the text is kept as written.`);
      const rest = this.resolveText(text.slice(end + 1), where, warnings, depth);
      return text.slice(0, end + 1) + stringOf(rest);
    }
    if (start === 0 && end === text.length - 1) return value;
    const rest = this.resolveText(text.slice(end + 1), where, warnings, depth);
    return text.slice(0, start) + stringOf(value) + stringOf(rest);
  }

  /** `source:address, fallback, ...`: the first source that has a value. */
  private evaluate(expression: string, where: string, warnings: string[], depth: number): unknown {
    if (depth > MAX_DEPTH) return undefined;
    // Inner variables first: `${self:custom.${sls:stage}}` looks up custom.dev.
    const inner = this.resolveText(expression, where, [], depth + 1);
    if (typeof inner !== 'string' || inner.includes('${')) return undefined;
    for (const candidate of splitFallbacks(inner)) {
      const value = this.source(candidate, where, warnings, depth);
      if (value !== undefined && value !== null) return value;
    }
    return undefined;
  }

  private source(candidate: string, where: string, warnings: string[], depth: number): unknown {
    const quoted = /^'(.*)'$|^"(.*)"$/s.exec(candidate);
    if (quoted !== null) return quoted[1] ?? quoted[2];
    if (/^-?\d+(\.\d+)?$/.test(candidate)) return Number(candidate);
    const colon = candidate.indexOf(':');
    // Serverless Framework v1 also took an unquoted fallback: `${opt:stage, dev}`.
    if (colon < 0) return candidate === '' ? undefined : candidate;
    const kind = candidate.slice(0, colon);
    const address = candidate.slice(colon + 1).trim();
    switch (kind) {
      case 'self': {
        const found = lookup(this.sources.document, address);
        return found === undefined ? undefined : this.resolve(found, where, warnings, depth + 1);
      }
      case 'opt':
      case 'sls':
        return address === 'stage' ? this.sources.stage : address === 'region' ? this.sources.region : undefined;
      case 'aws':
        return address === 'region' ? this.sources.region : undefined;
      default:
        return undefined;
    }
  }
}

/** Index just past the `}` that closes a `${` whose content starts at `from`; -1 when unclosed. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `a, 'b, c', d` → a, 'b, c', d: commas inside quotes belong to the literal. */
function splitFallbacks(expression: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of expression) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === ',') {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current.trim());
  return parts;
}

/** `custom.tables.orders` in the document; undefined when any step is missing. */
function lookup(document: unknown, address: string): unknown {
  let node: unknown = document;
  for (const key of address === '' ? [] : address.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
}

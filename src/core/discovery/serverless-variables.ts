// serverless.yml's variables (`${self:custom.table}`, `${opt:stage, 'dev'}`, `${sls:stage}`,
// `${env:HOME}`, `${file(./config.yml):table}`, `${param:domain}`): the ones a local run can know
// are resolved; the rest (ssm, cf, s3...) stay as written, each with a warning that says where to
// give the value, since guessing them would run the function with values it never sees.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseLocatedYaml } from './cfn-yaml';

export interface VariableSources {
  /** The whole serverless.yml, for `self:` references. */
  readonly document: unknown;
  /** The `--stage` the Serverless Framework would be given, also `${sls:stage}` once known. */
  readonly stage?: string;
  readonly region?: string;
  /** The serverless.yml's folder, which `${file(...)}` paths are relative to. */
  readonly folder?: string;
  /** The environment `${env:...}` reads: the one the Serverless Framework would run in. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/** Sources a local run cannot read, and why; the value can be given in the function's settings. */
const REMOTE_SOURCES: Readonly<Record<string, string>> = {
  ssm: 'SSM Parameter Store',
  cf: "another stack's outputs",
  s3: 'an S3 object',
  secretsmanager: 'Secrets Manager',
};

/** Nested variables (`${self:custom.${sls:stage}}`) and self references are followed this deep. */
const MAX_DEPTH = 10;

export class ServerlessVariables {
  /** Files `${file(...)}` read, each once: their parsed value, or undefined when unreadable. */
  private readonly files = new Map<string, unknown>();

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
      const { why, next } = this.unresolved(expression);
      warnings.push(
        `${where}: \${${expression}} ${why}, so the text is kept as written${next === undefined ? '' : `; ${next}`}.`,
      );
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
    // `file(./config.yml)` or `file(./config.yml):address`.
    const file = /^file\((.*?)\)(?::(.*))?$/s.exec(candidate);
    if (file !== null) {
      const found = lookup(this.fileValue((file[1] ?? '').trim()), (file[2] ?? '').trim());
      return found === undefined ? undefined : this.resolve(found, where, warnings, depth + 1);
    }
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
      case 'env':
        return this.sources.environment?.[address];
      case 'param': {
        // Serverless Framework v4's parameters: the stage's own (`stages.<stage>.params`, or the
        // older `params.<stage>`), else the default ones.
        const { document, stage = '' } = this.sources;
        const value =
          lookup(document, `stages.${stage}.params.${address}`) ??
          lookup(document, `params.${stage}.${address}`) ??
          lookup(document, `stages.default.params.${address}`) ??
          lookup(document, `params.default.${address}`);
        return value === undefined ? undefined : this.resolve(value, where, warnings, depth + 1);
      }
      default:
        return undefined;
    }
  }

  /** A `${file(...)}`'s parsed YAML or JSON; undefined when it cannot be read (a .js file is not run). */
  private fileValue(path: string): unknown {
    const file = resolve(this.sources.folder ?? '.', path);
    if (!this.files.has(file)) {
      let value: unknown;
      try {
        if (!/\.(ya?ml|json)$/i.test(file)) throw new Error('not YAML or JSON');
        const parsed = parseLocatedYaml(readFileSync(file, 'utf8'));
        value = parsed.ok ? parsed.yaml.value : undefined;
      } catch {
        value = undefined;
      }
      this.files.set(file, value);
    }
    return this.files.get(file);
  }

  /** Why a variable has no local value, and where to give it one. */
  private unresolved(expression: string): { why: string; next?: string } {
    const kind = /^\s*([a-z0-9]+)[:(]/i.exec(expression)?.[1] ?? '';
    const remote = REMOTE_SOURCES[kind];
    if (remote !== undefined) {
      return {
        why: `is read from ${remote} at deploy, which a local run does not read`,
        next: 'give the value in .lambda/functions.json ("environment") or, from a terminal, an env file (--env-file)',
      };
    }
    if (kind === 'file') {
      const path = /^\s*file\((.*?)\)/.exec(expression)?.[1]?.trim() ?? '';
      const shown = relative(this.sources.folder ?? '.', resolve(this.sources.folder ?? '.', path));
      return {
        why: `names ${shown}, which is not a YAML or JSON file that can be read (a .js file is not run locally) or has no such value`,
        next: 'check the path and the address after it',
      };
    }
    if (kind === 'env') return { why: 'names an environment variable that is not set', next: 'set it, or give a fallback' };
    if (kind === 'param') {
      return {
        why: `names a parameter set neither for the stage ${this.sources.stage ?? ''} nor by default`,
        next: 'add it to stages.<stage>.params or stages.default.params',
      };
    }
    return { why: 'cannot be resolved locally' };
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

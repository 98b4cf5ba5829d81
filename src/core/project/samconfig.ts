// samconfig.toml (or samconfig.yaml): what `sam deploy --guided` saved for a project, per config
// environment (`default`, `prod`...) and command. A local run takes from it what the deployed
// stack is given: the template file and the parameter overrides.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { LocatedError } from '../errors';
import { parseLocatedYaml } from '../discovery/cfn-yaml';

export const SAMCONFIG_FILES = ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml'];

export interface SamConfig {
  readonly file: string;
  /** The template the environment names (`template_file`), absolute. */
  readonly templateFile?: string;
  /** Parameter values, in SAM's order of precedence: a local command's over deploy's over global's. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** The commands whose parameters a local run takes, weakest first. */
const SECTIONS = ['global', 'deploy', 'local_invoke', 'local_start_lambda', 'local_start_api'];

/**
 * The samconfig file of `folder` for a config environment, or undefined when there is none.
 * Throws a LocatedError when the file does not parse, or when the environment is not in it.
 */
export function readSamConfig(folder: string, environment = 'default'): SamConfig | undefined {
  for (const name of SAMCONFIG_FILES) {
    const file = join(folder, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const document = name.endsWith('.toml') ? tomlDocument(file, text) : yamlDocument(file, text);
    const env = asRecord(document[environment]);
    if (env === undefined) {
      if (environment === 'default') return { file, parameters: {} };
      const known = Object.keys(document).filter((key) => asRecord(document[key]) !== undefined);
      throw new LocatedError(
        file,
        1,
        `there is no config environment "${environment}" (it has ${known.join(', ') || 'none'}). Choose one of them with --config-env.`,
      );
    }
    const parameters: Record<string, string> = {};
    let templateFile: string | undefined;
    for (const section of SECTIONS) {
      const values = asRecord(asRecord(env[section])?.['parameters']);
      if (values === undefined) continue;
      Object.assign(parameters, parameterOverrides(values['parameter_overrides']));
      if (typeof values['template_file'] === 'string') templateFile = join(folder, values['template_file']);
    }
    return { file, parameters, ...(templateFile === undefined ? {} : { templateFile }) };
  }
  return undefined;
}

/**
 * `parameter_overrides` as SAM reads it: a string of `Key=Value` words (quoted values may hold
 * spaces; `ParameterKey=K,ParameterValue=V` also works), or a list of such words.
 */
export function parameterOverrides(value: unknown): Record<string, string> {
  const words = Array.isArray(value)
    ? value.filter((w): w is string => typeof w === 'string')
    : typeof value === 'string'
      ? shellWords(value)
      : [];
  const parameters: Record<string, string> = {};
  for (const word of words) {
    const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(word);
    if (long?.[1] !== undefined) {
      parameters[long[1]] = long[2] ?? '';
      continue;
    }
    const equals = word.indexOf('=');
    if (equals > 0) parameters[word.slice(0, equals)] = unquote(word.slice(equals + 1));
  }
  return parameters;
}

/** Splits on spaces outside quotes, as a shell would, keeping the quotes for `unquote`. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of text) {
    if (quote !== undefined) {
      current += char;
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (/\s/.test(char)) {
      if (current !== '') words.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current !== '') words.push(current);
  return words;
}

function unquote(value: string): string {
  return value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) ? value.slice(1, -1) : value;
}

function tomlDocument(file: string, text: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch (error) {
    const line = (error as { line?: unknown }).line;
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    throw new LocatedError(file, typeof line === 'number' ? line : 1, `it is not valid TOML: ${reason}. Fix it and try again.`);
  }
}

function yamlDocument(file: string, text: string): Record<string, unknown> {
  const parsed = parseLocatedYaml(text);
  if (!parsed.ok)
    throw new LocatedError(file, parsed.error.line, `it is not valid YAML: ${parsed.error.message}. Fix it and try again.`);
  return asRecord(parsed.yaml.value) ?? {};
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

// The options every command that reads a project shares, and the checks of option values.
import { WorkbenchError } from '../core/errors';

export class UsageError extends WorkbenchError {}

export const PROJECT_OPTIONS = {
  template: { type: 'string' },
  config: { type: 'string' },
  'cdk-out': { type: 'string' },
  stage: { type: 'string' },
  'parameter-overrides': { type: 'string', multiple: true },
  'config-env': { type: 'string' },
  synth: { type: 'boolean' },
} as const;

export const TEMPLATE_OPTIONS = {
  ...PROJECT_OPTIONS,
  functions: { type: 'string' },
  'env-file': { type: 'string' },
  region: { type: 'string', default: 'us-east-1' },
  profile: { type: 'string' },
} as const;

export interface ProjectFlags {
  template?: string | undefined;
  config?: string | undefined;
  'cdk-out'?: string | undefined;
  'parameter-overrides'?: string[] | undefined;
  'config-env'?: string | undefined;
  stage?: string | undefined;
  region?: string | undefined;
  synth?: boolean | undefined;
}

export function portNumber(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 65_535) {
    throw new UsageError(`${flag} must be a port number from 1 to 65535, not "${value}".`);
  }
  return number;
}

export function hostName(value: string, flag: string): string {
  if (!/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(value)) {
    throw new UsageError(`${flag} must be a host name such as my-tunnel.example.test (no port, no scheme), not "${value}".`);
  }
  return value;
}

export function originOf(value: string, flag: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.origin !== value.replace(/\/$/, '')) {
    throw new UsageError(`${flag} must be an origin such as http://localhost:5173 (scheme, host and port only), not "${value}".`);
  }
  return url.origin;
}

export function wholeNumber(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`${flag} must be a whole number, not "${value}".`);
  return number;
}

// Values generated events share: a default context, and the encodings and formats event sources use.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { WorkbenchError } from '../errors';
import type { GeneratorContext } from './template';

export function defaultContext(
  overrides: Partial<Pick<GeneratorContext, 'region' | 'accountId' | 'now'>> = {},
): GeneratorContext {
  return {
    region: overrides.region ?? 'us-east-1',
    accountId: overrides.accountId ?? '123456789012',
    now: overrides.now ?? new Date(),
    uuid: () => randomUUID(),
    hex: (bytes) => randomBytes(bytes).toString('hex'),
  };
}

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** An S3 key as event notifications carry it: URL-encoded, `/` kept, spaces as `+`. */
export function s3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/** CloudWatch Logs subscription data: the log events, as JSON, gzipped, then base64. */
export function cloudWatchLogsData(payload: unknown): string {
  return gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64');
}

/** API Gateway's requestTime format: `22/Nov/2026:07:04:05 +0000`. */
export function apiGatewayTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()] ?? 'Jan'}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** An ISO time without milliseconds, as EventBridge writes it. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Parses a JSON parameter, naming the parameter when it is not JSON. */
export function jsonParameter(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WorkbenchError(`The parameter "${name}" must be JSON: ${(error as Error).message}.`);
  }
}

/** Parses a JSON-object parameter. */
export function objectParameter(name: string, text: string): Record<string, unknown> {
  const parsed = jsonParameter(name, text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WorkbenchError(`The parameter "${name}" must be a JSON object, like {"key": "value"}.`);
  }
  return parsed as Record<string, unknown>;
}

/** Parses a whole-number parameter. */
export function integerParameter(name: string, text: string, min = 1, max = 10_000): number {
  const number = Number(text);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new WorkbenchError(`The parameter "${name}" must be a whole number from ${min} to ${max}, not "${text}".`);
  }
  return number;
}

/** Splits a `key=value&key=value` parameter into a map. */
export function queryParameter(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) result[key] = value;
  return result;
}

/** Parses `Name: value` lines (or a JSON object) into headers. */
export function headersParameter(name: string, text: string): Record<string, string> {
  if (text.trim().startsWith('{')) {
    return Object.fromEntries(Object.entries(objectParameter(name, text)).map(([k, v]) => [k, String(v)]));
  }
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n|;/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

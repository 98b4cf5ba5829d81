// The extension's settings as data: key, default and how a raw value is checked. The editor layer
// reads raw values and asks this module what they mean, so a bad value is explained the same way
// everywhere and never reaches the features that use it.
import { NODE_RUNTIMES, type NodeRuntime } from './runtimes';

export const SETTINGS_SECTION = 'lambdaWorkbench';

export interface SettingSpec<T> {
  /** Key below the `lambdaWorkbench` section, e.g. `bundle.minify`. */
  readonly key: string;
  readonly default: T;
  /** What a valid value looks like, as a phrase for error messages. */
  readonly expected: string;
  /** The enum values the manifest declares, when the setting is an enum. */
  readonly choices?: readonly string[];
  /** Returns the value, or undefined when `raw` is not valid for this setting. */
  parse(raw: unknown): T | undefined;
}

export interface SettingReading<T> {
  readonly value: T;
  /** A sentence for the user when the stored value was not valid and the default was used instead. */
  readonly problem?: string;
}

function booleanSetting(key: string, defaultValue: boolean): SettingSpec<boolean> {
  return {
    key,
    default: defaultValue,
    expected: 'true or false',
    parse: (raw) => (typeof raw === 'boolean' ? raw : undefined),
  };
}

function enumSetting<T extends string>(key: string, choices: readonly T[], defaultValue: T): SettingSpec<T> {
  return {
    key,
    default: defaultValue,
    expected: `one of ${choices.map((c) => `"${c}"`).join(', ')}`,
    choices,
    parse: (raw) => choices.find((c) => c === raw),
  };
}

/** A string matching `pattern`; the empty string means "not set". */
function stringSetting(key: string, expected: string, pattern: RegExp): SettingSpec<string> {
  return {
    key,
    default: '',
    expected,
    parse: (raw) => (typeof raw === 'string' && (raw === '' || pattern.test(raw.trim())) ? raw.trim() : undefined),
  };
}

function integerSetting(key: string, defaultValue: number, min: number, max: number): SettingSpec<number> {
  return {
    key,
    default: defaultValue,
    expected: `a whole number from ${min} to ${max}`,
    parse: (raw) => (typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max ? raw : undefined),
  };
}

function urlSetting(key: string): SettingSpec<string> {
  return {
    key,
    default: '',
    expected: 'an http:// or https:// URL, or empty',
    parse: (raw) => {
      if (typeof raw !== 'string') return undefined;
      if (raw.trim() === '') return '';
      try {
        const url = new URL(raw.trim());
        return url.protocol === 'http:' || url.protocol === 'https:' ? raw.trim().replace(/\/$/, '') : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** A list of strings each matching `pattern`; empty by default. */
function stringListSetting(key: string, expected: string, pattern: RegExp): SettingSpec<readonly string[]> {
  return {
    key,
    default: [],
    expected,
    parse: (raw) =>
      Array.isArray(raw) && raw.every((item) => typeof item === 'string' && pattern.test(item.trim()))
        ? raw.map((item: string) => item.trim())
        : undefined,
  };
}

export const SETTINGS = {
  defaultNodeRuntime: enumSetting<NodeRuntime>('defaultRuntime.node', NODE_RUNTIMES, 'nodejs22.x'),
  bundleMinify: booleanSetting('bundle.minify', false),
  bundleSourcemap: booleanSetting('bundle.sourcemap', true),
  awsProfile: stringSetting('aws.profile', 'a profile name from your AWS config files, or empty', /^[\w+=,.@-]+$/),
  awsRegion: stringSetting('aws.region', 'a region such as us-east-1, or empty', /^[a-z]{2}(-gov)?-[a-z]+-\d$/),
  awsEndpointUrl: urlSetting('aws.endpointUrl'),
  logsSource: enumSetting('logs.source', ['auto', 'liveTail', 'poll'] as const, 'auto'),
  logsMaxRecords: integerSetting('logs.maxRecords', 100_000, 1_000, 1_000_000),
  codeLensEnabled: booleanSetting('codeLens.enabled', true),
  bundleAwsSdk: booleanSetting('bundle.bundleAwsSdk', false),
  deployS3Bucket: stringSetting('deploy.s3Bucket', 'an S3 bucket name, or empty', /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
  deployPublishVersion: booleanSetting('deploy.publishVersion', false),
  deployAlias: stringSetting('deploy.alias', 'an alias name such as live, or empty', /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/),
  localApiPort: integerSetting('localApi.port', 3000, 0, 65_535),
  emulatorAllowedHosts: stringListSetting(
    'emulator.allowedHosts',
    'a list of host names such as "my-tunnel.example.test" or "*.example.test" (no scheme, no port)',
    /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/,
  ),
  emulatorAllowedOrigins: stringListSetting(
    'emulator.allowedOrigins',
    'a list of origins such as "http://localhost:5173" (scheme, host and port only)',
    /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-fA-F:.]+\](:\d{1,5})?$/,
  ),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<N extends SettingName> = (typeof SETTINGS)[N]['default'];

export function fullKey(spec: SettingSpec<unknown>): string {
  return `${SETTINGS_SECTION}.${spec.key}`;
}

/** Checks a raw stored value; `undefined` (not set) silently means the default. */
export function readSetting<T>(spec: SettingSpec<T>, raw: unknown): SettingReading<T> {
  if (raw === undefined || raw === null) return { value: spec.default };
  const value = spec.parse(raw);
  if (value !== undefined) return { value };
  return {
    value: spec.default,
    problem:
      `The setting "${fullKey(spec)}" has the value ${describe(raw)}, but it must be ${spec.expected}. ` +
      `Lambda Workbench uses the default (${describe(spec.default)}) until you correct it in Settings.`,
  };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

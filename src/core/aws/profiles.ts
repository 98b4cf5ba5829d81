// The profiles of the shared AWS config and credentials files, read the way the AWS SDK reads them,
// without the SDK: the picker lists thousands of profiles in milliseconds, and a malformed line is
// reported with its file and line while every other profile stays usable. Problems never quote a
// line, because a line may hold a secret.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface SharedFilePaths {
  readonly config: string;
  readonly credentials: string;
}

/** Where the SDK looks: `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws`. */
export function sharedFilePaths(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): SharedFilePaths {
  const resolve = (path: string) => (path.startsWith('~/') ? join(home, path.slice(2)) : path);
  return {
    config: resolve(env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config')),
    credentials: resolve(env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials')),
  };
}

export interface SharedFileProblem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

/** How a profile gets its credentials; never the credentials themselves. */
export type ProfileCredentials =
  | { readonly kind: 'static' }
  | { readonly kind: 'sso'; readonly session?: string; readonly accountId?: string; readonly roleName?: string }
  | { readonly kind: 'assume-role'; readonly roleArn: string; readonly source: string }
  | { readonly kind: 'web-identity'; readonly roleArn: string }
  | { readonly kind: 'process' }
  | { readonly kind: 'none' };

export interface AwsProfile {
  readonly name: string;
  readonly region?: string;
  readonly credentials: ProfileCredentials;
  /** The files that define it, config first. */
  readonly files: readonly string[];
}

export interface ProfileCatalog {
  /** In file order, config first, each name once. */
  readonly profiles: readonly AwsProfile[];
  readonly problems: readonly SharedFileProblem[];
}

interface Section {
  readonly line: number;
  readonly values: Record<string, string>;
  /** The line of each key, for problems about a value. Without a prototype, so that it also counts a `__proto__` key. */
  readonly keyLines: Record<string, number>;
}

/** As in the SDK, a section without a single `name = value` line does not exist. */
function present(section: Section | undefined): Section | undefined {
  return section !== undefined && Object.keys(section.keyLines).length > 0 ? section : undefined;
}

/** One file's sections by name as the SDK names them: `profile x` in config becomes `x`. */
interface ParsedFile {
  readonly profiles: Map<string, Section>;
  readonly ssoSessions: Map<string, Section>;
  readonly problems: SharedFileProblem[];
}

const KNOWN_PREFIXES = new Set(['profile', 'sso-session', 'services']);
const PREFIXED_NAME = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/;
const BLOCKED_NAMES = new Set(['__proto__', 'profile __proto__']);

/** Parses one shared file with the SDK's rules: comments, sections, `name = value`, indented sub-keys. */
export function parseSharedFile(text: string, kind: 'config' | 'credentials', file: string): ParsedFile {
  const parsed: ParsedFile = { profiles: new Map(), ssoSessions: new Map(), problems: [] };
  const problem = (line: number, message: string) => parsed.problems.push({ file, line, message });
  /** [default] in the config file, which the SDK reads only when there is no [profile default]. */
  const plainDefault =
    kind === 'config' ? { line: 0, values: {}, keyLines: Object.create(null) as Record<string, number> } : undefined;
  let section: Section | undefined;
  let subSection: string | undefined;
  let sawHeader = false;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const line = index + 1;
    // As the SDK does: a `#` or `;` at the start or after a space starts a comment.
    const content = (raw.split(/(?:^|\s)[;#]/)[0] ?? '').trim();
    if (content === '') continue;
    if (content.startsWith('[')) {
      if (!content.endsWith(']')) {
        // The SDK does not take it for a header: the lines below it still belong to the section above.
        problem(line, 'A section header must end with "]"; the AWS SDK reads the lines below it as part of the section above.');
        continue;
      }
      section = undefined;
      subSection = undefined;
      sawHeader = true;
      // Not trimmed, as in the SDK: [ default ] is not [default].
      const header = content.slice(1, -1);
      if (BLOCKED_NAMES.has(header)) {
        problem(line, `"${header}" is not allowed as a profile name; the AWS SDK refuses the whole file because of it.`);
        continue;
      }
      section = openSection(parsed, kind, header, line, problem, plainDefault);
      continue;
    }
    if (section === undefined) {
      // Lines after a bad or ignored header were already explained by that header's problem.
      if (!sawHeader && parsed.problems.length === 0) {
        problem(line, 'This line is outside any [section]; it is ignored.');
      }
      continue;
    }
    const equals = content.indexOf('=');
    if (equals <= 0) {
      problem(line, 'This line is not "name = value"; it is ignored.');
      continue;
    }
    const name = content.slice(0, equals).trim();
    const value = content.slice(equals + 1).trim();
    if (value === '') {
      subSection = name;
      continue;
    }
    if (subSection !== undefined && raw.trimStart() === raw) subSection = undefined;
    const key = subSection === undefined ? name : `${subSection}.${name}`;
    section.values[key] = value;
    section.keyLines[key] = line;
  }
  if (plainDefault !== undefined && present(plainDefault) !== undefined) {
    const profileDefault = present(parsed.profiles.get('default'));
    if (profileDefault === undefined) {
      parsed.profiles.set('default', plainDefault);
      // Keep file order: sections in order of their first header.
      const ordered = [...parsed.profiles].sort(([, a], [, b]) => a.line - b.line);
      parsed.profiles.clear();
      for (const [name, entry] of ordered) parsed.profiles.set(name, entry);
    } else {
      problem(
        plainDefault.line,
        'This config file also has [profile default]; the AWS SDK reads that section and ignores [default].',
      );
    }
  }
  return parsed;
}

/** The SDK's name for a header: `prefix.name` for a known prefix, none for another prefix, else the header as is. */
function sdkSectionName(header: string): string | undefined {
  const prefixed = PREFIXED_NAME.exec(header);
  if (prefixed === null) return header;
  const [, prefix = '', , name = ''] = prefixed;
  return KNOWN_PREFIXES.has(prefix) ? `${prefix}.${name}` : undefined;
}

function openSection(
  parsed: ParsedFile,
  kind: 'config' | 'credentials',
  header: string,
  line: number,
  problem: (line: number, message: string) => void,
  plainDefault: { line: number; values: Record<string, string>; keyLines: Record<string, number> } | undefined,
): Section | undefined {
  const sdkName = sdkSectionName(header);
  let target: Map<string, Section> | undefined;
  let key: string;
  if (sdkName === undefined || sdkName === '') {
    // The SDK drops a section with an unknown prefix ([my profile]) or no name.
    const suggestion =
      kind === 'credentials' ? '[name]' : PREFIXED_NAME.test(`profile ${header}`) ? `[profile ${header}]` : '[profile name]';
    problem(line, `The AWS SDK ignores the section [${header}]: a section name has no spaces; write ${suggestion}.`);
    return undefined;
  } else if (kind === 'credentials') {
    // The credentials file has no prefixes: the SDK reads [profile x] there as a profile named "profile.x".
    if (sdkName !== header) {
      problem(
        line,
        `In the credentials file a profile section has no prefix; the AWS SDK reads this one as a profile named "${sdkName}".`,
      );
    }
    target = parsed.profiles;
    key = sdkName;
  } else if (sdkName === 'default') {
    if (plainDefault === undefined) return undefined;
    if (plainDefault.line === 0) plainDefault.line = line;
    return plainDefault;
  } else {
    // As the SDK's getConfigData: keep names whose part before the first "." is a known prefix.
    const dot = sdkName.indexOf('.');
    const prefix = dot < 0 ? undefined : sdkName.slice(0, dot);
    if (prefix === undefined || !KNOWN_PREFIXES.has(prefix)) {
      problem(
        line,
        `In the config file a profile section is written [profile ${header}]; [${header}] is ignored by the AWS SDK.`,
      );
      return undefined;
    }
    key = sdkName.slice(dot + 1);
    target = prefix === 'profile' ? parsed.profiles : prefix === 'sso-session' ? parsed.ssoSessions : undefined;
    if (target === undefined) return undefined; // [services x]: not about credentials
  }
  // A repeated section adds to the first, as in the SDK.
  let section = target.get(key);
  if (section === undefined) {
    section = { line, values: {}, keyLines: Object.create(null) as Record<string, number> };
    target.set(key, section);
  }
  return section;
}

interface SharedFileText {
  readonly path: string;
  readonly text: string;
}

/** The profiles of both files, merged as the SDK merges them (the credentials file wins a key). */
export function buildCatalog(config?: SharedFileText, credentials?: SharedFileText): ProfileCatalog {
  const configFile = config === undefined ? undefined : parseSharedFile(config.text, 'config', config.path);
  const credentialsFile =
    credentials === undefined ? undefined : parseSharedFile(credentials.text, 'credentials', credentials.path);
  const problems = [...(configFile?.problems ?? []), ...(credentialsFile?.problems ?? [])];
  const names = [...(configFile?.profiles.keys() ?? []), ...(credentialsFile?.profiles.keys() ?? [])];
  const merged = new Map<string, { values: Record<string, string>; files: string[]; sections: [string, Section][] }>();
  for (const name of names) {
    if (merged.has(name)) continue;
    const fromConfig = present(configFile?.profiles.get(name));
    const fromCredentials = present(credentialsFile?.profiles.get(name));
    if (fromConfig === undefined && fromCredentials === undefined) continue;
    const sections: [string, Section][] = [];
    if (fromConfig !== undefined && config !== undefined) sections.push([config.path, fromConfig]);
    if (fromCredentials !== undefined && credentials !== undefined) sections.push([credentials.path, fromCredentials]);
    merged.set(name, {
      values: { ...fromConfig?.values, ...fromCredentials?.values },
      files: sections.map(([file]) => file),
      sections,
    });
  }
  const profiles: AwsProfile[] = [];
  for (const [name, { values, files, sections }] of merged) {
    const keyLocation = (key: string): { file: string; line: number } => {
      for (const [file, section] of [...sections].reverse()) {
        const line = section.keyLines[key];
        if (line !== undefined) return { file, line };
      }
      const [file, section] = sections[0] ?? ['', { line: 0 }];
      return { file, line: section.line };
    };
    const credentialsOf = profileCredentials(values);
    if (credentialsOf.kind === 'assume-role') {
      const source = values['source_profile'];
      if (source !== undefined && !merged.has(source)) {
        const at = keyLocation('source_profile');
        problems.push({
          ...at,
          message: `Profile "${name}" takes its credentials from profile "${source}", which is not defined in either file.`,
        });
      }
    }
    if (
      credentialsOf.kind === 'sso' &&
      credentialsOf.session !== undefined &&
      present(configFile?.ssoSessions.get(credentialsOf.session)) === undefined
    ) {
      const at = keyLocation('sso_session');
      problems.push({
        ...at,
        message: `Profile "${name}" uses the SSO session "${credentialsOf.session}", which has no [sso-session ${credentialsOf.session}] section.`,
      });
    }
    const region = values['region'];
    profiles.push({ name, ...(region === undefined ? {} : { region }), credentials: credentialsOf, files });
  }
  return { profiles, problems };
}

const SSO_KEYS = ['sso_start_url', 'sso_account_id', 'sso_session', 'sso_region', 'sso_role_name'];

/** The same precedence as the SDK's profile resolution (resolveProfileData in @aws-sdk/credential-provider-ini). */
function profileCredentials(values: Record<string, string>): ProfileCredentials {
  const has = (key: string) => values[key] !== undefined;
  const roleArn = values['role_arn'];
  // Exactly one of source_profile and credential_source, as the SDK's isAssumeRoleProfile.
  if (roleArn !== undefined && has('source_profile') !== has('credential_source')) {
    const source =
      values['source_profile'] !== undefined ? `profile ${values['source_profile']}` : (values['credential_source'] ?? '');
    return { kind: 'assume-role', roleArn, source };
  }
  if (has('aws_access_key_id') && has('aws_secret_access_key')) return { kind: 'static' };
  if (roleArn !== undefined && has('web_identity_token_file')) return { kind: 'web-identity', roleArn };
  if (has('credential_process')) return { kind: 'process' };
  if (SSO_KEYS.some(has)) {
    return {
      kind: 'sso',
      ...(values['sso_session'] === undefined ? {} : { session: values['sso_session'] }),
      ...(values['sso_account_id'] === undefined ? {} : { accountId: values['sso_account_id'] }),
      ...(values['sso_role_name'] === undefined ? {} : { roleName: values['sso_role_name'] }),
    };
  }
  return { kind: 'none' };
}

/** Reads both shared files; a missing file is no profile, not an error. */
export async function readProfiles(paths: SharedFilePaths = sharedFilePaths()): Promise<ProfileCatalog> {
  const read = async (path: string): Promise<SharedFileText | undefined> => {
    try {
      return { path, text: await readFile(path, 'utf8') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const [config, credentials] = await Promise.all([read(paths.config), read(paths.credentials)]);
  return buildCatalog(config, credentials);
}

/** Words for a profile's credential source, for pickers and tooltips. */
export function describeProfileCredentials(credentials: ProfileCredentials): string {
  switch (credentials.kind) {
    case 'static':
      return 'access keys';
    case 'sso':
      return credentials.roleName === undefined ? 'IAM Identity Center (SSO)' : `SSO role ${credentials.roleName}`;
    case 'assume-role':
      return `assumes ${credentials.roleArn.split('/').pop() ?? credentials.roleArn} from ${credentials.source}`;
    case 'web-identity':
      return 'web identity token';
    case 'process':
      return 'credential_process';
    case 'none':
      return 'no credentials in this profile';
  }
}

import { loadSharedConfigFiles, loadSsoSessionData } from '@smithy/core/config';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  type AwsProfile,
  type ProfileCatalog,
  type ProfileCredentials,
  buildCatalog,
  describeProfileCredentials,
  parseSharedFile,
  readProfiles,
  sharedFilePaths,
} from '../../src/core/aws/profiles';

const CONFIG = '/home/dev/.aws/config';
const CREDENTIALS = '/home/dev/.aws/credentials';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN';

const scratch = mkdtempSync(join(tmpdir(), 'lwb-profiles-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The catalog of a config text and a credentials text, each optional. */
function catalog(config?: string, credentials?: string): ProfileCatalog {
  return buildCatalog(
    config === undefined ? undefined : { path: CONFIG, text: config },
    credentials === undefined ? undefined : { path: CREDENTIALS, text: credentials },
  );
}

function profile(from: ProfileCatalog, name: string): AwsProfile {
  const found = from.profiles.find((p) => p.name === name);
  assert.ok(found, `profile "${name}" should be listed; listed: ${from.profiles.map((p) => p.name).join(', ')}`);
  return found;
}

const names = (from: ProfileCatalog) => from.profiles.map((p) => p.name);
const lines = (...text: string[]) => text.join('\n') + '\n';

describe('config file sections', () => {
  test('[default] and [profile x] are profiles, in file order', () => {
    const result = catalog(lines('[default]', 'region = us-east-1', '', '[profile dev]', 'region = eu-west-1'));
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.profiles, [
      { name: 'default', region: 'us-east-1', credentials: { kind: 'none' }, files: [CONFIG] },
      { name: 'dev', region: 'eu-west-1', credentials: { kind: 'none' }, files: [CONFIG] },
    ]);
  });

  test('quoted names and names with the characters the SDK allows', () => {
    const result = catalog(
      lines(
        '[profile "quoted"]',
        'region = us-east-1',
        "[profile 'single']",
        'region = us-east-2',
        '[profile a.b@c+d%e:f/g-h_i]',
        'region = us-west-1',
      ),
    );
    assert.deepEqual(names(result), ['quoted', 'single', 'a.b@c+d%e:f/g-h_i']);
    assert.deepEqual(result.problems, []);
  });

  test('[x] in the config file is ignored and reported with file and line; its keys go nowhere', () => {
    const result = catalog(
      lines('[profile good]', 'region = us-east-1', '', '[staging]', 'region = eu-west-1', '[default]', 'region = ap-south-1'),
    );
    assert.deepEqual(names(result), ['good', 'default']);
    assert.equal(profile(result, 'good').region, 'us-east-1');
    assert.equal(profile(result, 'default').region, 'ap-south-1');
    assert.equal(result.problems.length, 1);
    const [problem] = result.problems;
    assert.equal(problem?.file, CONFIG);
    assert.equal(problem?.line, 4);
    assert.match(problem?.message ?? '', /\[profile staging\]/);
  });

  test('[services x] and [sso-session x] are not profiles, and their lines are not reported', () => {
    const result = catalog(
      lines(
        '[services local]',
        'lambda =',
        '  endpoint_url = http://localhost:4566',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '[profile dev]',
        'services = local',
      ),
    );
    assert.deepEqual(names(result), ['dev']);
    assert.deepEqual(result.problems, []);
  });

  test('as in the SDK, a header is not trimmed: [ default ] is not the default profile', () => {
    const result = catalog(lines('[ default ]', 'region = us-east-1'));
    assert.deepEqual(names(result), []);
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0]?.line, 1);
  });

  test('as in the SDK, [profile default] replaces [default] in the config file', () => {
    const result = catalog(
      lines(
        '[default]',
        'region = us-east-1',
        'output = json',
        '[profile default]',
        'region = eu-west-1',
        '[default]',
        'region = ap-south-1',
      ),
    );
    assert.deepEqual(names(result), ['default']);
    assert.equal(profile(result, 'default').region, 'eu-west-1');
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[CONFIG, 1]],
    );
    assert.match(result.problems[0]?.message ?? '', /\[profile default\]/);
  });

  test('a repeated section adds to the first; a later key wins', () => {
    const result = catalog(
      lines('[profile dev]', 'region = us-east-1', '[profile other]', '[profile dev]', 'region = eu-west-1'),
    );
    assert.equal(profile(result, 'dev').region, 'eu-west-1');
  });

  test('as in the SDK, a section without keys is no profile', () => {
    const result = catalog(lines('[profile empty]', '# nothing here', '[profile full]', 'region = us-east-1'));
    assert.deepEqual(names(result), ['full']);
  });
});

describe('credentials file sections', () => {
  test('[x] in the credentials file is profile x', () => {
    const result = catalog(
      undefined,
      lines('[default]', `aws_access_key_id = ${KEY_ID}`, `aws_secret_access_key = ${SECRET}`, '[ci]', 'region = us-west-2'),
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.profiles, [
      { name: 'default', credentials: { kind: 'static' }, files: [CREDENTIALS] },
      { name: 'ci', region: 'us-west-2', credentials: { kind: 'none' }, files: [CREDENTIALS] },
    ]);
  });

  test('as in the SDK, [profile x] in the credentials file is not profile x, and is reported', () => {
    const result = catalog(undefined, lines('[profile ci]', 'region = us-west-2'));
    assert.ok(!names(result).includes('ci'));
    assert.equal(result.problems.length, 1);
    assert.deepEqual({ file: result.problems[0]?.file, line: result.problems[0]?.line }, { file: CREDENTIALS, line: 1 });
  });

  test('as in the SDK, a name with a space in the credentials file is ignored', () => {
    const result = catalog(undefined, lines('[my profile]', 'region = us-west-2', '[ok]', 'region = us-east-1'));
    assert.deepEqual(names(result), ['ok']);
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[CREDENTIALS, 1]],
    );
  });
});

describe('merging the two files', () => {
  test('the credentials file wins a key; files lists both, config first; order is config first', () => {
    const result = catalog(
      lines('[profile only-config]', 'region = ap-south-1', '[profile shared]', 'region = us-east-1', 'output = json'),
      lines(
        '[only-credentials]',
        'region = sa-east-1',
        '[shared]',
        'region = eu-central-1',
        `aws_access_key_id = ${KEY_ID}`,
        `aws_secret_access_key = ${SECRET}`,
      ),
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(names(result), ['only-config', 'shared', 'only-credentials']);
    assert.deepEqual(profile(result, 'shared'), {
      name: 'shared',
      region: 'eu-central-1',
      credentials: { kind: 'static' },
      files: [CONFIG, CREDENTIALS],
    });
    assert.deepEqual(profile(result, 'only-config').files, [CONFIG]);
    assert.deepEqual(profile(result, 'only-credentials').files, [CREDENTIALS]);
  });

  test('keys from both files combine into one credential kind', () => {
    const result = catalog(
      lines('[profile role]', 'role_arn = arn:aws:iam::123456789012:role/Deployer'),
      lines('[role]', 'source_profile = base', '[base]', `aws_access_key_id = ${KEY_ID}`, `aws_secret_access_key = ${SECRET}`),
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(profile(result, 'role').credentials, {
      kind: 'assume-role',
      roleArn: 'arn:aws:iam::123456789012:role/Deployer',
      source: 'profile base',
    });
  });

  test('region per profile; no region key means no region', () => {
    const result = catalog(
      lines('[default]', 'region = us-east-1', '[profile a]', 'region = eu-west-3', '[profile b]', 'output = json'),
    );
    assert.equal(profile(result, 'default').region, 'us-east-1');
    assert.equal(profile(result, 'a').region, 'eu-west-3');
    assert.equal(profile(result, 'b').region, undefined);
    assert.ok(!('region' in profile(result, 'b')));
  });
});

describe('credential kinds', () => {
  const config = lines(
    '[profile keys]',
    `aws_access_key_id = ${KEY_ID}`,
    `aws_secret_access_key = ${SECRET}`,
    `aws_session_token = ${TOKEN}`,
    '[profile sso]',
    'sso_session = corp',
    'sso_account_id = 123456789012',
    'sso_role_name = Developer',
    '[sso-session corp]',
    'sso_start_url = https://corp.awsapps.com/start',
    'sso_region = us-east-1',
    '[profile legacy-sso]',
    'sso_start_url = https://corp.awsapps.com/start',
    'sso_region = us-east-1',
    'sso_account_id = 123456789012',
    'sso_role_name = ReadOnly',
    '[profile role]',
    'role_arn = arn:aws:iam::123456789012:role/Deployer',
    'source_profile = keys',
    '[profile ec2-role]',
    'role_arn = arn:aws:iam::123456789012:role/FromInstance',
    'credential_source = Ec2InstanceMetadata',
    '[profile web]',
    'role_arn = arn:aws:iam::123456789012:role/Web',
    'web_identity_token_file = /var/run/token',
    '[profile process]',
    'credential_process = /usr/local/bin/get-creds --profile x',
    '[profile bare]',
    'region = us-east-1',
  );
  const result = catalog(config);
  const kinds: Record<string, ProfileCredentials> = {
    keys: { kind: 'static' },
    sso: { kind: 'sso', session: 'corp', accountId: '123456789012', roleName: 'Developer' },
    'legacy-sso': { kind: 'sso', accountId: '123456789012', roleName: 'ReadOnly' },
    role: { kind: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/Deployer', source: 'profile keys' },
    'ec2-role': { kind: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/FromInstance', source: 'Ec2InstanceMetadata' },
    web: { kind: 'web-identity', roleArn: 'arn:aws:iam::123456789012:role/Web' },
    process: { kind: 'process' },
    bare: { kind: 'none' },
  };

  test('no problems in a well-formed file', () => {
    assert.deepEqual(result.problems, []);
    assert.deepEqual(names(result), Object.keys(kinds));
  });

  for (const [name, expected] of Object.entries(kinds)) {
    test(`${name}: ${expected.kind}`, () => {
      assert.deepEqual(profile(result, name).credentials, expected);
    });
  }

  test('descriptions', () => {
    assert.equal(describeProfileCredentials(profile(result, 'keys').credentials), 'access keys');
    assert.equal(describeProfileCredentials(profile(result, 'sso').credentials), 'SSO role Developer');
    assert.equal(describeProfileCredentials({ kind: 'sso', session: 'corp' }), 'IAM Identity Center (SSO)');
    assert.equal(describeProfileCredentials(profile(result, 'role').credentials), 'assumes Deployer from profile keys');
    assert.equal(
      describeProfileCredentials(profile(result, 'ec2-role').credentials),
      'assumes FromInstance from Ec2InstanceMetadata',
    );
    assert.equal(describeProfileCredentials(profile(result, 'web').credentials), 'web identity token');
    assert.equal(describeProfileCredentials(profile(result, 'process').credentials), 'credential_process');
    assert.equal(describeProfileCredentials(profile(result, 'bare').credentials), 'no credentials in this profile');
  });

  test('the SDK precedence: assume-role, then static keys, then web identity, then process, then SSO', () => {
    const keys = [`aws_access_key_id = ${KEY_ID}`, `aws_secret_access_key = ${SECRET}`];
    const mixed = catalog(
      lines(
        '[profile keys-and-sso]',
        ...keys,
        'sso_session = corp',
        '[profile keys-and-web]',
        ...keys,
        'role_arn = arn:aws:iam::1:role/W',
        'web_identity_token_file = /t',
        '[profile process-and-sso]',
        'credential_process = /bin/creds',
        'sso_start_url = https://x.awsapps.com/start',
        '[profile role-and-keys]',
        ...keys,
        'role_arn = arn:aws:iam::1:role/R',
        'source_profile = keys-and-sso',
        '[profile sso-account-only]',
        'sso_account_id = 123456789012',
      ),
    );
    assert.equal(profile(mixed, 'keys-and-sso').credentials.kind, 'static');
    assert.equal(profile(mixed, 'keys-and-web').credentials.kind, 'static');
    assert.equal(profile(mixed, 'process-and-sso').credentials.kind, 'process');
    assert.equal(profile(mixed, 'role-and-keys').credentials.kind, 'assume-role');
    assert.deepEqual(profile(mixed, 'sso-account-only').credentials, { kind: 'sso', accountId: '123456789012' });
  });

  test('as in the SDK, role_arn with both source_profile and credential_source is not an assume-role profile', () => {
    const both = catalog(
      lines(
        '[profile both]',
        'role_arn = arn:aws:iam::1:role/R',
        'source_profile = x',
        'credential_source = Environment',
        '[profile x]',
        'region = us-east-1',
      ),
    );
    assert.equal(profile(both, 'both').credentials.kind, 'none');
  });

  test('static keys need both the key id and the secret', () => {
    assert.equal(profile(catalog(undefined, lines('[half]', `aws_access_key_id = ${KEY_ID}`)), 'half').credentials.kind, 'none');
  });
});

describe('references to missing sections', () => {
  test('a source_profile defined in neither file is reported at its line', () => {
    const result = catalog(
      lines(
        '[profile base]',
        'region = us-east-1',
        '[profile role]',
        'role_arn = arn:aws:iam::1:role/R',
        'source_profile = nowhere',
      ),
    );
    assert.equal(result.problems.length, 1);
    const [problem] = result.problems;
    assert.deepEqual({ file: problem?.file, line: problem?.line }, { file: CONFIG, line: 5 });
    assert.match(problem?.message ?? '', /"role".*"nowhere"/);
  });

  test('a source_profile in the credentials file is reported there, where it wins', () => {
    const result = catalog(
      lines('[profile role]', 'role_arn = arn:aws:iam::1:role/R', 'source_profile = base'),
      lines('[base]', 'region = us-east-1', '[role]', 'source_profile = gone'),
    );
    assert.equal(result.problems.length, 1);
    assert.deepEqual({ file: result.problems[0]?.file, line: result.problems[0]?.line }, { file: CREDENTIALS, line: 4 });
  });

  test('a source_profile defined only in the other file is fine', () => {
    const result = catalog(
      lines('[profile role]', 'role_arn = arn:aws:iam::1:role/R', 'source_profile = base'),
      lines('[base]', `aws_access_key_id = ${KEY_ID}`),
    );
    assert.deepEqual(result.problems, []);
  });

  test('an sso_session without its [sso-session] section is reported at its line', () => {
    const result = catalog(
      lines(
        '[default]',
        'region = us-east-1',
        '[profile sso]',
        'sso_session = corp',
        'sso_account_id = 1',
        'sso_role_name = Dev',
      ),
    );
    assert.equal(result.problems.length, 1);
    const [problem] = result.problems;
    assert.deepEqual({ file: problem?.file, line: problem?.line }, { file: CONFIG, line: 4 });
    assert.match(problem?.message ?? '', /\[sso-session corp\]/);
    assert.deepEqual(profile(result, 'sso').credentials, { kind: 'sso', session: 'corp', accountId: '1', roleName: 'Dev' });
  });

  test('as in the SDK, sso-session sections are read from the config file only', () => {
    const result = catalog(
      lines('[profile sso]', 'sso_session = corp'),
      lines('[sso]', 'sso_role_name = Dev', '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start'),
    );
    assert.ok(result.problems.some((p) => p.file === CONFIG && p.line === 2 && p.message.includes('sso-session corp')));
  });

  test('an sso_session set in the credentials file is reported there', () => {
    const result = catalog(
      lines('[profile sso]', 'sso_account_id = 1'),
      lines('[other]', 'region = us-east-1', '[sso]', 'sso_session = missing'),
    );
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[CREDENTIALS, 4]],
    );
  });
});

describe('malformed lines', () => {
  test('a line without "=" is reported; the rest of the file is read', () => {
    const result = catalog(
      lines('[profile a]', 'region = us-east-1', 'this is not a setting', 'output = json', '[profile b]', 'region = eu-west-1'),
    );
    assert.deepEqual(names(result), ['a', 'b']);
    assert.equal(profile(result, 'b').region, 'eu-west-1');
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[CONFIG, 3]],
    );
  });

  test('a line starting with "=" is reported', () => {
    const result = catalog(undefined, lines('[a]', '= value', 'region = us-east-1'));
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[CREDENTIALS, 2]],
    );
    assert.equal(profile(result, 'a').region, 'us-east-1');
  });

  test('an unterminated header is reported; the other profiles are read', () => {
    const result = catalog(lines('[profile a]', 'region = us-east-1', '[profile b', '[profile c]', 'region = eu-west-1'));
    assert.deepEqual(names(result), ['a', 'c']);
    assert.equal(profile(result, 'c').region, 'eu-west-1');
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[CONFIG, 3]],
    );
  });

  test('as in the SDK, the lines after an unterminated header still belong to the section above', () => {
    const config = lines(
      '[profile a]',
      'region = us-east-1',
      '[profile b',
      'region = eu-west-1',
      'output = json',
      '[profile c]',
      'region = ap-south-1',
    );
    const result = catalog(config);
    assert.deepEqual(names(result), ['a', 'c']);
    assert.equal(profile(result, 'a').region, 'eu-west-1');
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[CONFIG, 3]],
    );
  });

  test('lines before any section are reported once, at the first; the profiles after are read', () => {
    const result = catalog(undefined, lines('region = us-east-1', 'output = json', '[dev]', 'region = eu-west-1'));
    assert.deepEqual(names(result), ['dev']);
    assert.equal(profile(result, 'dev').region, 'eu-west-1');
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[CREDENTIALS, 1]],
    );
  });

  test('problems of both files, each with its own file', () => {
    const result = catalog(lines('[profile a]', 'oops'), lines('[b]', 'region = x', 'oops'));
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [
        [CONFIG, 2],
        [CREDENTIALS, 3],
      ],
    );
  });

  test('__proto__ as a profile name is reported; the other profiles are still listed', () => {
    for (const header of ['[profile __proto__]', '[__proto__]']) {
      const result = catalog(
        lines('[profile a]', 'region = us-east-1', header, 'region = eu-west-1', '[profile b]', 'region = ap-south-1'),
      );
      assert.deepEqual(names(result), ['a', 'b'], header);
      assert.equal(profile(result, 'a').region, 'us-east-1');
      assert.equal(result.problems.length, 1, header);
      assert.deepEqual({ file: result.problems[0]?.file, line: result.problems[0]?.line }, { file: CONFIG, line: 3 });
      assert.match(result.problems[0]?.message ?? '', /__proto__/);
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
    }
    const credentials = catalog(undefined, lines('[__proto__]', 'region = x', '[ok]', 'region = y'));
    assert.deepEqual(names(credentials), ['ok']);
    assert.deepEqual(
      credentials.problems.map((p) => [p.file, p.line]),
      [[CREDENTIALS, 1]],
    );
  });

  test('a __proto__ or constructor key is an ordinary key that changes nothing', () => {
    const result = catalog(lines('[profile a]', '__proto__ = x', 'constructor = y', 'region = us-east-1'));
    assert.deepEqual(profile(result, 'a'), { name: 'a', region: 'us-east-1', credentials: { kind: 'none' }, files: [CONFIG] });
  });
});

describe('comments, sub-sections and line endings', () => {
  test('# and ; comments, whole-line and inline after a space; not inside a value', () => {
    const result = catalog(
      lines(
        '# a comment',
        '; another',
        '[profile a] # the header may carry one',
        'region = us-east-1 # trailing',
        '  # indented comment',
        '[profile b] ; too',
        'region = eu-west-1 ; trailing',
        'sso_account_id = 123456789012',
        'sso_role_name = Admin#1',
        '[profile c]',
        'region = ap-south-1;x',
      ),
    );
    assert.deepEqual(result.problems, []);
    assert.equal(profile(result, 'a').region, 'us-east-1');
    assert.equal(profile(result, 'b').region, 'eu-west-1');
    assert.deepEqual(profile(result, 'b').credentials, { kind: 'sso', accountId: '123456789012', roleName: 'Admin#1' });
    assert.equal(profile(result, 'c').region, 'ap-south-1;x');
  });

  test('indented sub-keys stay under their parent and do not leak into top-level keys', () => {
    const result = catalog(
      lines(
        '[profile a]',
        's3 =',
        '  max_concurrent_requests = 10',
        '  region = us-west-2',
        'region = eu-west-1',
        '[profile b]',
        'dynamodb =',
        '  region = us-west-2',
        '  credential_process = /bin/not-top-level',
        '[profile c]',
        's3 =',
        '\tregion = us-west-2',
        'credential_process = /bin/top-level',
      ),
    );
    assert.deepEqual(result.problems, []);
    assert.equal(profile(result, 'a').region, 'eu-west-1');
    assert.equal(profile(result, 'b').region, undefined);
    assert.equal(profile(result, 'b').credentials.kind, 'none');
    assert.equal(profile(result, 'c').region, undefined);
    assert.equal(profile(result, 'c').credentials.kind, 'process');
    const parsed = parseSharedFile(
      lines('[profile a]', 's3 =', '  max_concurrent_requests = 10', 'region = x'),
      'config',
      CONFIG,
    );
    assert.deepEqual(parsed.profiles.get('a')?.values, { 's3.max_concurrent_requests': '10', region: 'x' });
  });

  test('CRLF line endings read the same, with the same line numbers', () => {
    const text = ['[profile a]', 'region = us-east-1', 'oops', '[profile b]', 'sso_session = gone', ''];
    const lf = catalog(text.join('\n'));
    const crlf = catalog(text.join('\r\n'));
    assert.deepEqual(crlf, lf);
    assert.equal(profile(crlf, 'a').region, 'us-east-1');
    assert.deepEqual(
      crlf.problems.map((p) => p.line),
      [3, 5],
    );
  });

  test('a byte order mark does not hide the first header', () => {
    assert.deepEqual(names(catalog('\uFEFF[default]\nregion = us-east-1\n')), ['default']);
  });

  test('empty files and no files', () => {
    assert.deepEqual(catalog('', ''), { profiles: [], problems: [] });
    assert.deepEqual(catalog(), { profiles: [], problems: [] });
  });
});

describe('secrets never reach a problem or a description', () => {
  const secretLines = [
    `aws_secret_access_key ${SECRET}`,
    `aws_secret_access_key: ${SECRET}`,
    SECRET,
    `aws_session_token ${TOKEN}`,
  ];

  test('a malformed line holding a secret is reported without its content', () => {
    for (const bad of secretLines) {
      for (const [config, credentials] of [
        [lines('[default]', 'region = us-east-1', bad, '[profile b]', 'region = x'), undefined],
        [undefined, lines('[default]', `aws_access_key_id = ${KEY_ID}`, bad)],
        [undefined, lines(bad, '[default]', 'region = x')],
        [lines(`[default ${bad}`), undefined],
        [lines('[default]', `[profile x ${bad}`), undefined],
      ] as const) {
        const result = catalog(config, credentials);
        assert.ok(result.problems.length > 0, bad);
        for (const { message } of result.problems) {
          assert.ok(!message.includes(SECRET), message);
          assert.ok(!message.includes(TOKEN), message);
          assert.ok(!message.includes('aws_secret_access_key'), message);
          assert.ok(!message.includes(bad), message);
        }
      }
    }
  });

  test('the specific example: a secret line without "="', () => {
    const result = catalog(
      undefined,
      lines('[default]', `aws_access_key_id = ${KEY_ID}`, 'aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
    );
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[CREDENTIALS, 3]],
    );
    assert.ok(!result.problems[0]?.message.includes('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'));
    assert.ok(!result.problems[0]?.message.includes(KEY_ID));
  });

  test('no problem, profile or description anywhere carries a key value', () => {
    const result = catalog(
      lines(
        '[profile a]',
        `aws_access_key_id = ${KEY_ID}`,
        `aws_secret_access_key = ${SECRET}`,
        'source_profile = gone',
        'role_arn = arn:aws:iam::1:role/R',
        'oops',
      ),
      lines(
        '[b]',
        `aws_access_key_id = ${KEY_ID}`,
        `aws_secret_access_key = ${SECRET}`,
        `aws_session_token = ${TOKEN}`,
        'sso_session = missing',
        SECRET,
        '[c]',
        `aws_secret_access_key = ${SECRET}`,
      ),
    );
    assert.ok(result.problems.length >= 3);
    const everything = JSON.stringify(result) + result.profiles.map((p) => describeProfileCredentials(p.credentials)).join('\n');
    for (const secret of [SECRET, KEY_ID, TOKEN]) assert.ok(!everything.includes(secret), secret);
  });

  test('describeProfileCredentials of every kind carries no key value', () => {
    const all: ProfileCredentials[] = [
      { kind: 'static' },
      { kind: 'sso', session: 's', accountId: '123456789012', roleName: 'R' },
      { kind: 'sso' },
      { kind: 'assume-role', roleArn: 'arn:aws:iam::1:role/R', source: 'profile p' },
      { kind: 'web-identity', roleArn: 'arn:aws:iam::1:role/W' },
      { kind: 'process' },
      { kind: 'none' },
    ];
    for (const credentials of all) {
      const text = describeProfileCredentials(credentials);
      assert.ok(text.length > 0);
      for (const secret of [SECRET, KEY_ID, TOKEN]) assert.ok(!text.includes(secret));
    }
  });
});

describe('sharedFilePaths', () => {
  test('defaults to ~/.aws/config and ~/.aws/credentials', () => {
    assert.deepEqual(sharedFilePaths({}, '/home/dev'), {
      config: '/home/dev/.aws/config',
      credentials: '/home/dev/.aws/credentials',
    });
  });

  test('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE win, and an empty one is unset', () => {
    assert.deepEqual(
      sharedFilePaths({ AWS_CONFIG_FILE: '/etc/aws/config', AWS_SHARED_CREDENTIALS_FILE: '/etc/aws/creds' }, '/home/dev'),
      {
        config: '/etc/aws/config',
        credentials: '/etc/aws/creds',
      },
    );
    assert.deepEqual(sharedFilePaths({ AWS_CONFIG_FILE: '', AWS_SHARED_CREDENTIALS_FILE: '/c' }, '/home/dev'), {
      config: '/home/dev/.aws/config',
      credentials: '/c',
    });
  });

  test('~/ expands to the home directory; other paths are left alone', () => {
    assert.deepEqual(
      sharedFilePaths({ AWS_CONFIG_FILE: '~/work/config', AWS_SHARED_CREDENTIALS_FILE: '~/work/credentials' }, '/home/dev'),
      {
        config: '/home/dev/work/config',
        credentials: '/home/dev/work/credentials',
      },
    );
    assert.equal(sharedFilePaths({ AWS_CONFIG_FILE: 'relative/config' }, '/home/dev').config, 'relative/config');
    assert.equal(sharedFilePaths({ AWS_CONFIG_FILE: '~other/config' }, '/home/dev').config, '~other/config');
  });

  test('the process environment by default', () => {
    const paths = sharedFilePaths();
    assert.ok(paths.config.length > 0 && paths.credentials.length > 0);
  });
});

describe('readProfiles', () => {
  test('reads both files from disk', async () => {
    const dir = mkdtempSync(join(scratch, 'read-'));
    const config = join(dir, 'config');
    const credentials = join(dir, 'credentials');
    writeFileSync(
      config,
      lines('[default]', 'region = us-east-1', '[profile dev]', 'role_arn = arn:aws:iam::1:role/Dev', 'source_profile = default'),
    );
    writeFileSync(
      credentials,
      ['[default]', `aws_access_key_id = ${KEY_ID}`, `aws_secret_access_key = ${SECRET}`, 'junk'].join('\r\n'),
    );
    const result = await readProfiles({ config, credentials });
    assert.deepEqual(result.profiles, [
      { name: 'default', region: 'us-east-1', credentials: { kind: 'static' }, files: [config, credentials] },
      {
        name: 'dev',
        credentials: { kind: 'assume-role', roleArn: 'arn:aws:iam::1:role/Dev', source: 'profile default' },
        files: [config],
      },
    ]);
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.line]),
      [[credentials, 4]],
    );
  });

  test('missing files mean no profiles and no error', async () => {
    const dir = mkdtempSync(join(scratch, 'missing-'));
    assert.deepEqual(await readProfiles({ config: join(dir, 'config'), credentials: join(dir, 'credentials') }), {
      profiles: [],
      problems: [],
    });
  });

  test('one missing file: the other is still read', async () => {
    const dir = mkdtempSync(join(scratch, 'one-'));
    const credentials = join(dir, 'credentials');
    writeFileSync(credentials, lines('[ci]', 'region = us-west-2'));
    const result = await readProfiles({ config: join(dir, 'nope', 'config'), credentials });
    assert.deepEqual(result, {
      profiles: [{ name: 'ci', region: 'us-west-2', credentials: { kind: 'none' }, files: [credentials] }],
      problems: [],
    });
  });

  test('an unreadable path that is not missing is an error', async () => {
    const dir = mkdtempSync(join(scratch, 'dir-'));
    await assert.rejects(readProfiles({ config: dir, credentials: join(dir, 'credentials') }));
  });
});

// The SDK's own reading, to prove the parser agrees with it.
interface SdkView {
  readonly profiles: Record<string, Record<string, string | undefined>>;
  readonly ssoSessions: readonly string[];
}

let fileCounter = 0;
async function sdkView(config: string, credentials: string): Promise<SdkView> {
  const dir = join(scratch, `sdk-${++fileCounter}`);
  const configFilepath = `${dir}-config`;
  const filepath = `${dir}-credentials`;
  writeFileSync(configFilepath, config);
  writeFileSync(filepath, credentials);
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ filepath, configFilepath, ignoreCache: true });
  // As parseKnownFiles merges them; the config file's sso-session and services entries are not profiles.
  const profiles: Record<string, Record<string, string | undefined>> = {};
  for (const file of [configFile, credentialsFile]) {
    for (const [name, values] of Object.entries(file)) {
      if (file === configFile && (name.startsWith('sso-session.') || name.startsWith('services.'))) continue;
      profiles[name] = { ...profiles[name], ...values };
    }
  }
  const ssoSessions = Object.keys(await loadSsoSessionData({ configFilepath }));
  return { profiles, ssoSessions };
}

function assertAgrees(ours: ProfileCatalog, sdk: SdkView, ourSessions: readonly string[], context: string): void {
  assert.deepEqual([...names(ours)].sort(), Object.keys(sdk.profiles).sort(), `${context}\nprofile names`);
  for (const p of ours.profiles) {
    const theirs = sdk.profiles[p.name] ?? {};
    assert.equal(p.region, theirs['region'], `${context}\nregion of ${p.name}`);
    const roleArn =
      p.credentials.kind === 'assume-role' || p.credentials.kind === 'web-identity' ? p.credentials.roleArn : undefined;
    if (roleArn !== undefined) assert.equal(roleArn, theirs['role_arn'], `${context}\nrole_arn of ${p.name}`);
  }
  assert.deepEqual([...ourSessions].sort(), [...sdk.ssoSessions].sort(), `${context}\nsso sessions`);
}

const nonEmptySessions = (config: string) =>
  [...parseSharedFile(config, 'config', CONFIG).ssoSessions]
    .filter(([, section]) => Object.keys(section.values).length > 0)
    .map(([name]) => name);

describe('agreement with the AWS SDK (loadSharedConfigFiles)', () => {
  test('a realistic pair of files', async () => {
    const config = lines(
      '# shared team config',
      '[default]',
      'region = us-east-1',
      'output = json',
      '',
      '[profile dev]',
      'region = eu-west-1 # Ireland',
      'role_arn = arn:aws:iam::111111111111:role/Developer',
      'source_profile = default',
      's3 =',
      '  max_concurrent_requests = 20',
      '  region = us-west-2',
      '',
      '[profile "prod"]',
      'region = eu-central-1',
      'role_arn = arn:aws:iam::222222222222:role/Deployer',
      'credential_source = Ec2InstanceMetadata',
      '',
      '[staging]',
      'region = ap-south-1',
      '',
      '[profile sso-dev]',
      'sso_session = corp',
      'sso_account_id = 333333333333',
      'sso_role_name = PowerUser',
      'region = ap-northeast-1',
      '',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = us-east-1',
      '',
      '[services local]',
      'lambda =',
      '  endpoint_url = http://localhost:4566',
      '',
      '[profile web]',
      'role_arn = arn:aws:iam::444444444444:role/Web',
      'web_identity_token_file = /var/run/secrets/token',
      'region=sa-east-1',
      '',
      '[profile broken',
      'region = ca-central-1',
      'not a setting',
    );
    const credentials = [
      '[default]',
      `aws_access_key_id = ${KEY_ID}`,
      `aws_secret_access_key = ${SECRET}`,
      '',
      '[dev]',
      'region = us-east-2',
      '',
      '[ci]',
      'region = us-west-1',
      'credential_process = /usr/bin/ci-creds',
      '',
      '[profile wrong]',
      'region = eu-north-1',
      '',
    ].join('\r\n');
    const ours = catalog(config, credentials);
    const sdk = await sdkView(config, credentials);
    assertAgrees(ours, sdk, nonEmptySessions(config), 'realistic');
    // Spot checks, so the agreement is not vacuous.
    assert.equal(sdk.profiles['dev']?.['region'], 'us-east-2');
    assert.equal(profile(ours, 'dev').region, 'us-east-2');
    assert.equal(profile(ours, 'web').region, 'ca-central-1');
    assert.equal(sdk.profiles['web']?.['region'], 'ca-central-1');
    assert.equal(sdk.profiles['prod']?.['role_arn'], 'arn:aws:iam::222222222222:role/Deployer');
    assert.ok(!('staging' in sdk.profiles));
  });

  test('randomly assembled files', async () => {
    const configHeaders = [
      '[default]',
      '[profile default]',
      '[profile a]',
      '[profile b]',
      '[profile "d"]',
      '[b]',
      '[ default ]',
      '[profile.c]',
      '[sso-session s]',
      '[sso-session.t]',
      '[services svc]',
      '[foo bar]',
      '[]',
      '[profile a',
      '[profile e] # note',
      '[profile  f]',
    ];
    const credentialsHeaders = ['[default]', '[a]', '[b]', '[profile a]', '[foo bar]', '[c]', '[]', '[ a ]', '[x.y]', '[c'];
    const body = [
      'region = us-east-1',
      'region=eu-west-1',
      '  region = ap-south-1',
      '\tregion = ca-central-1',
      's3 =',
      '  max_concurrent_requests = 10',
      'role_arn = arn:aws:iam::1:role/R1',
      '  role_arn = arn:aws:iam::1:role/Nested',
      'role_arn = arn:aws:iam::2:role/R2 # why',
      'source_profile = a',
      'web_identity_token_file = /t',
      'sso_start_url = https://x.awsapps.com/start',
      '# comment',
      '; comment',
      'region = us-west-2 # trailing',
      'region = x#y',
      'junk line',
      '= value',
      '',
      'region =',
      'output = json',
    ];
    let seed = 20240601;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * below);
    };
    const pick = (from: readonly string[]) => from[random(from.length)] ?? '';
    const assemble = (headers: readonly string[]) => {
      const out: string[] = [];
      const count = random(18);
      for (let i = 0; i < count; i++) out.push(random(3) === 0 ? pick(headers) : pick(body));
      return out.join(random(2) === 0 ? '\n' : '\r\n');
    };
    for (let round = 0; round < 400; round++) {
      const config = assemble(configHeaders);
      const credentials = assemble(credentialsHeaders);
      const context = `round ${round}\n--- config\n${config}\n--- credentials\n${credentials}`;
      assertAgrees(catalog(config, credentials), await sdkView(config, credentials), nonEmptySessions(config), context);
    }
  });
});

// The two YAML readers of templates and serverless.yml files: js-yaml for the common text (fast),
// `yaml` for the rest (described at its line). Whichever reads a text, the rest of the code must
// see the same values and the same key lines, so each fixture is read by both and compared.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAnyYaml, parseCommonYaml, parseLocatedYaml, type LocatedYaml } from '../../src/core/discovery/cfn-yaml';

const fixtures = join(import.meta.dirname, '../fixtures');

function yamlFilesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (name === 'node_modules' || name === 'cdk.out') return [];
    if (statSync(path).isDirectory()) return yamlFilesUnder(path);
    return /\.(ya?ml)$|template\.json$/.test(name) ? [path] : [];
  });
}

/** Every path of map keys in a value, as lineOf takes them. */
function keyPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [[...prefix, key], ...keyPaths(child, [...prefix, key])]);
}

function bothReadings(text: string): { common: LocatedYaml; any: LocatedYaml } {
  const common = parseCommonYaml(text);
  const any = parseAnyYaml(text);
  assert.ok(common?.ok === true, 'js-yaml reads it');
  assert.ok(any.ok, '`yaml` reads it');
  return { common: common.yaml, any: any.yaml };
}

function assertSameReading(text: string): void {
  const { common, any } = bothReadings(text);
  assert.deepEqual(common.value, any.value);
  for (const path of keyPaths(any.value)) {
    assert.equal(common.lineOf(path), any.lineOf(path), `the line of ${path.join('.')}`);
  }
}

describe('both readers agree', () => {
  const files = yamlFilesUnder(fixtures);
  test('the fixtures hold templates and serverless.yml files to compare', () => {
    assert.ok(files.length >= 15, `${files.length} files`);
  });
  for (const file of files) {
    test(file.slice(fixtures.length + 1), () => assertSameReading(readFileSync(file, 'utf8')));
  }

  test('merge keys, flow maps, quoted and numeric keys, a key written twice, JSON', () => {
    assertSameReading(
      [
        'Common: &common',
        '  Runtime: nodejs20.x',
        '  Timeout: 3',
        'Resources:',
        '  Fn:',
        '    Properties:',
        '      <<: *common',
        '      Timeout: 9',
        '      Events: { Get: { Type: HttpApi, Properties: { Path: "/a/{id}", Method: get } } }',
        '  "Quoted": { Type: x }',
        "  'Single':",
        '    200: ok',
        '    Type: a',
        '    Type: b',
        '  List:',
        '    - Name: one',
        '      Value: !Sub "${AWS::Region}-x"',
        '    - !GetAtt Table.Arn',
        '    - !GetAtt [Table, StreamArn]',
        '    - !If [IsProd, !Ref A, !Ref "AWS::NoValue"]',
        '',
      ].join('\n'),
    );
    assertSameReading(
      JSON.stringify({ Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler' } } } }, null, 2),
    );
  });
});

/** Nine maps, each of ten aliases of the one before: 10^9 nodes read as a tree. */
const BILLION_LAUGHS = `${'abcdefghi'
  .split('')
  .map(
    (name, i) =>
      `${name}: &${name} [${Array(10)
        .fill(i === 0 ? 'lol' : `*${'abcdefghi'[i - 1]}`)
        .join(', ')}]`,
  )
  .join('\n')}\n`;

describe('what js-yaml reads', () => {
  test('keys at their lines; a date-like value stays text; tags read as their long forms', () => {
    const { common } = bothReadings(
      [
        'Resources:',
        '  Role:',
        '    Properties:',
        '      PolicyDocument:',
        '        Version: 2012-10-17',
        '  Fn:',
        '    Properties:',
        '      Role: !GetAtt Role.Arn',
        '      Name: !Sub ${AWS::StackName}-fn',
        '',
      ].join('\n'),
    );
    assert.equal(common.lineOf(['Resources', 'Fn']), 6);
    assert.equal(common.lineOf(['Resources', 'Fn', 'Properties', 'Role']), 8);
    assert.equal(common.lineOf(['Resources', 'Missing']), undefined);
    assert.deepEqual(common.value, {
      Resources: {
        Role: { Properties: { PolicyDocument: { Version: '2012-10-17' } } },
        Fn: { Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Name: { 'Fn::Sub': '${AWS::StackName}-fn' } } },
      },
    });
  });

  test('leaves to `yaml` a foreign tag, a directive, a syntax error and aliases that expand too far', () => {
    assert.equal(parseCommonYaml('A: !Custom x\n'), undefined);
    assert.equal(parseCommonYaml('%YAML 1.2\n---\nA: 1\n'), undefined);
    assert.equal(parseCommonYaml('A: [1, 2\nB: 3\n'), undefined);
    assert.equal(parseCommonYaml(BILLION_LAUGHS), undefined);
  });

  test('so that each is still described at its line', () => {
    const foreign = parseLocatedYaml('A: 1\nB: !Custom x\n');
    assert.ok(foreign.ok);
    assert.deepEqual(foreign.yaml.value, { A: 1, B: 'x' });
    assert.deepEqual(
      foreign.yaml.warnings.map((w) => [w.line, w.column]),
      [[2, 3]],
    );
    const broken = parseLocatedYaml('A: [1, 2\nB: 3\n');
    assert.equal(broken.ok, false);
    const expanded = parseLocatedYaml(BILLION_LAUGHS);
    assert.deepEqual(
      expanded.ok ? 'read' : expanded.error.message,
      'Excessive alias count indicates a resource exhaustion attack',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTemplate } from '../../src/core/discovery/sam';

const path = '/work/app/template.yaml';

describe('SAM templates', () => {
  test("Globals apply under each function's own properties; maps merge", () => {
    const [fn] = parseTemplate(
      `
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 10
    Environment: { Variables: { A: global, B: global } }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Timeout: 20
      Environment: { Variables: { B: own } }
`,
      path,
    );
    assert.ok(fn);
    assert.equal(fn.config.runtime, 'nodejs20.x');
    assert.equal(fn.config.timeoutSeconds, 20);
    assert.equal(fn.config.memoryMB, 128, "Lambda's default");
    assert.deepEqual(fn.config.environment, { A: 'global', B: 'own' });
    assert.equal(fn.config.codeDir, '/work/app', "no CodeUri means the template's folder");
  });

  test('short-form tags resolve: !Ref parameters and pseudo parameters, !Sub, !Join, !Select, !If', () => {
    const [fn] = parseTemplate(
      `
Parameters:
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./src
      Handler: index.handler
      Runtime: python3.12
      FunctionName: !Sub '\${Stage}-worker'
      MemorySize: !If [IsProd, 1024, 256]
      Environment:
        Variables:
          REGION: !Ref AWS::Region
          ACCOUNT: !Ref AWS::AccountId
          JOINED: !Join ['-', [a, !Ref Stage, b]]
          PICKED: !Select [1, [x, y, z]]
          LITERAL: !Sub 'keep \${!Literal}'
          UNKNOWN: !GetAtt Queue.Arn
`,
      path,
      { region: 'eu-west-1', parameters: { Stage: 'qa' } },
    );
    assert.ok(fn);
    assert.equal(fn.logicalId, 'Fn');
    assert.equal(fn.functionName, 'qa-worker');
    assert.equal(fn.config.name, 'qa-worker');
    assert.equal(fn.config.memoryMB, 256);
    assert.equal(fn.config.codeDir, '/work/app/src');
    assert.deepEqual(fn.config.environment, {
      REGION: 'eu-west-1',
      ACCOUNT: '123456789012',
      JOINED: 'a-qa-b',
      PICKED: 'y',
      LITERAL: 'keep ${Literal}',
      UNKNOWN: '',
    });
    assert.equal(fn.warnings.length, 2);
    assert.match(fn.warnings.join('\n'), /!GetAtt Queue\.Arn cannot be resolved locally/);
  });

  test('AWS::Lambda::Function is read too; image functions and other resources are not', () => {
    const functions = parseTemplate(
      `
Resources:
  Plain:
    Type: AWS::Lambda::Function
    Properties: { Handler: index.handler, Runtime: nodejs22.x, Code: ./dist, Timeout: 30 }
  Image:
    Type: AWS::Serverless::Function
    Properties: { PackageType: Image, ImageUri: repo:tag }
  Table:
    Type: AWS::DynamoDB::Table
`,
      path,
    );
    assert.deepEqual(
      functions.map((f) => [f.logicalId, f.config.codeDir, f.config.timeoutSeconds]),
      [['Plain', '/work/app/dist', 30]],
    );
  });

  test('esbuild build metadata is kept', () => {
    const [fn] = parseTemplate(
      `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Handler: app.handler, Runtime: nodejs20.x, CodeUri: hello/ }
    Metadata:
      BuildMethod: esbuild
      BuildProperties: { EntryPoints: [app.ts], Minify: true }
`,
      path,
    );
    assert.deepEqual(fn?.esbuild, { entryPoints: ['app.ts'] });
  });

  test('JSON templates parse as well', () => {
    const functions = parseTemplate(
      JSON.stringify({
        Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'a.b', Runtime: 'nodejs20.x' } } },
      }),
      path,
    );
    assert.equal(functions[0]?.config.handler, 'a.b');
  });

  test('an unsupported runtime is a warning, not a crash', () => {
    const [fn] = parseTemplate(
      'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: { Handler: a.b, Runtime: java21 }\n',
      path,
    );
    assert.match(fn?.warnings[0] ?? '', /runtime "java21" is not one Lambda Workbench runs/);
  });

  test('invalid YAML names the file and the problem', () => {
    assert.throws(
      () => parseTemplate('Resources: [', path),
      /\/work\/app\/template\.yaml:1:\d+: the template is not valid YAML: /,
    );
    assert.throws(() => parseTemplate('- just\n- a list\n', path), /is not a CloudFormation template/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLocatedYaml } from '../../src/core/discovery/cfn-yaml';
import { parseTemplate, templateApis, templateLayers } from '../../src/core/discovery/sam';

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

  test("triggers: an HttpApi route with the API's default authorizer from Globals, a Function URL, and the mappings, URLs and permissions CloudFormation resources point at a function", () => {
    const functions = parseTemplate(
      `
Globals:
  Function:
    Runtime: nodejs22.x
  HttpApi:
    Auth:
      DefaultAuthorizer: OAuth
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      FunctionUrlConfig:
        AuthType: AWS_IAM
        InvokeMode: RESPONSE_STREAM
      Events:
        Get:
          Type: HttpApi
          Properties:
            Path: /items/{id}
            Method: get
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Code: ./worker
  Jobs:
    Type: AWS::SQS::Queue
    Properties: { QueueName: jobs }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
      BatchSize: 25
  WorkerUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Worker.Arn
      AuthType: NONE
  FromBucket:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Worker.Arn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceArn: arn:aws:s3:::photos
`,
      path,
    );
    assert.deepEqual(
      functions.map((fn) => [fn.logicalId, fn.triggers]),
      [
        [
          'Api',
          [
            { kind: 'route', api: 'http', method: 'GET', path: '/items/{id}', payloadVersion: '2.0', authorizer: 'OAuth' },
            { kind: 'url', authType: 'AWS_IAM', invokeMode: 'RESPONSE_STREAM' },
          ],
        ],
        [
          'Worker',
          [
            {
              kind: 'eventSource',
              service: 'SQS',
              source: 'Jobs',
              sourceArn: 'arn:aws:sqs:us-east-1:123456789012:jobs',
              batchSize: 25,
            },
            { kind: 'url', authType: 'NONE' },
            { kind: 'policy', service: 'S3', source: 'photos', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::photos' },
          ],
        ],
      ],
    );
  });

  test('an SSM parameter type and !ImportValue are warnings that say how to give the value; an override is used as given', () => {
    const text = `
Parameters:
  DbHost:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /shop/db/host
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      Environment:
        Variables:
          DB_HOST: !Ref DbHost
          VPC: !ImportValue network-VpcId
`;
    const [fn] = parseTemplate(text, path);
    assert.deepEqual(fn?.config.environment, { DB_HOST: '', VPC: '' });
    assert.deepEqual(fn?.warnings, [
      'Fn.Environment.DB_HOST: the parameter DbHost is read from SSM Parameter Store (/shop/db/host), which a local run does not read; give it a value with --parameter-overrides DbHost=<value> (or in samconfig.toml).',
      'Fn.Environment.VPC: !ImportValue network-VpcId is another stack\'s export, which a local run cannot read; give the variable its value in .lambda/functions.json ("environment") or, from a terminal, an env file (--env-file).',
      'Fn: environment variable DB_HOST has a value that cannot be resolved locally; it is left empty.',
      'Fn: environment variable VPC has a value that cannot be resolved locally; it is left empty.',
    ]);
    const [given] = parseTemplate(text, path, { parameters: { DbHost: 'db.internal' } });
    assert.equal(given?.config.environment['DB_HOST'], 'db.internal');
  });

  test("esbuild Metadata: every one of SAM's BuildProperties, as esbuild options; one SAM would refuse is a problem at its line", () => {
    const [fn, wrong] = parseTemplate(
      `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Handler: app.handler, Runtime: nodejs20.x }
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints: [src/handlers/app.ts]
        Minify: false
        Target: es2022
        Format: esm
        Sourcemap: true
        External: [pg-native, '@aws-lambda-powertools/*']
        Loader: ['.png=file', '.sql=text']
        Banner:
          - js=import { createRequire } from 'module'; const require = createRequire(import.meta.url);
        MainFields: module,main
        OutExtension: ['.js=.mjs']
  Wrong:
    Type: AWS::Serverless::Function
    Properties: { Handler: app.handler, Runtime: nodejs20.x }
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        Format: umd
        Loader: ['.png']
        OutExtension: ['.js=.ts']
`,
      path,
    );
    assert.deepEqual(fn?.config.esbuild, {
      entryPoints: ['src/handlers/app.ts'],
      minify: false,
      target: 'es2022',
      format: 'esm',
      sourcemap: true,
      external: ['pg-native', '@aws-lambda-powertools/*'],
      loader: { '.png': 'file', '.sql': 'text' },
      banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      mainFields: ['module', 'main'],
      outExtension: '.mjs',
    });
    assert.deepEqual(fn.problems, []);
    assert.deepEqual(wrong?.config.esbuild, { entryPoints: [], loader: {} });
    assert.deepEqual(wrong.problems, [
      `${path}:26: Wrong: BuildProperties.Format "umd" is not one SAM builds: write cjs or esm.`,
      `${path}:27: Wrong: BuildProperties.Loader item ".png" is not key=value (such as .png=file).`,
      `${path}:28: Wrong: BuildProperties.OutExtension .js=.ts is not an extension Lambda loads: use .js, .mjs or .cjs.`,
    ]);
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

  test("Globals lists come before the function's own (SAM joins them); an intrinsic is one value, never merged", () => {
    const [fn] = parseTemplate(
      `
Parameters:
  Level: { Type: String, Default: debug }
Globals:
  Function:
    Runtime: nodejs20.x
    Handler: app.handler
    Layers: [arn:aws:lambda:us-east-1:123456789012:layer:a:1]
    Environment: { Variables: { LEVEL: !Ref Level } }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Layers: [arn:aws:lambda:us-east-1:123456789012:layer:b:2]
      Environment: { Variables: { LEVEL: !Sub '\${Level}-own' } }
`,
      path,
    );
    assert.ok(fn);
    assert.deepEqual(fn.layers, [
      { arn: 'arn:aws:lambda:us-east-1:123456789012:layer:a:1' },
      { arn: 'arn:aws:lambda:us-east-1:123456789012:layer:b:2' },
    ]);
    assert.deepEqual(fn.config.environment, { LEVEL: 'debug-own' });
    assert.deepEqual(fn.warnings, []);
  });

  test('!Ref AWS::NoValue removes the property or list item that holds it, as CloudFormation does', () => {
    const [fn] = parseTemplate(
      `
Conditions:
  Never: !Equals [a, b]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      Timeout: !If [Never, 30, !Ref AWS::NoValue]
      Environment:
        Variables:
          KEPT: yes
          DROPPED: !If [Never, x, !Ref AWS::NoValue]
      Layers:
        - !If [Never, arn:aws:lambda:us-east-1:1:layer:x:1, !Ref AWS::NoValue]
`,
      path,
    );
    assert.ok(fn);
    assert.equal(fn.config.timeoutSeconds, 3, "Lambda's default, as the property is not there");
    assert.deepEqual(fn.config.environment, { KEPT: 'yes' });
    assert.deepEqual(fn.layers, []);
    assert.deepEqual(fn.warnings, []);
    assert.deepEqual(fn.problems, []);
  });

  describe('layers', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lwb-layers-'));
    mkdirSync(join(folder, 'layers/shared'), { recursive: true });
    const file = join(folder, 'template.yaml');
    const text = `
Globals:
  LayerVersion:
    PublishLambdaVersion: true
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: shared
      ContentUri: layers/shared
      CompatibleRuntimes: [nodejs20.x, nodejs22.x]
      CompatibleArchitectures: [arm64]
    Metadata:
      BuildMethod: nodejs22.x
  MissingLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/missing
  S3Layer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: { S3Bucket: my-bucket, S3Key: layers/s3.zip }
  Queue:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: app.handler
      Layers:
        - !Ref SharedLayer
        - !Ref S3Layer
        - arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12
        - !GetAtt Queue.Arn
`;
    test("each LayerVersion: its name, folder, runtimes and build method; a folder missing or in S3 is a problem at ContentUri's line", () => {
      writeFileSync(file, text);
      const located = parseLocatedYaml(text);
      assert.ok(located.ok);
      assert.deepEqual(templateLayers(located.yaml.value, file, {}, located.yaml), [
        {
          logicalId: 'SharedLayer',
          name: 'shared',
          contentDir: join(folder, 'layers/shared'),
          compatibleRuntimes: ['nodejs20.x', 'nodejs22.x'],
          compatibleArchitectures: ['arm64'],
          buildMethod: 'nodejs22.x',
          line: 6,
          problems: [],
        },
        {
          logicalId: 'MissingLayer',
          name: 'MissingLayer',
          contentDir: join(folder, 'layers/missing'),
          compatibleRuntimes: [],
          compatibleArchitectures: [],
          line: 15,
          problems: [
            {
              line: 18,
              message: `MissingLayer: its folder "layers/missing" (ContentUri) does not exist at ${join(folder, 'layers/missing')}. Fix ContentUri, or run the build that creates it.`,
            },
          ],
        },
        {
          logicalId: 'S3Layer',
          name: 'S3Layer',
          contentDir: folder,
          compatibleRuntimes: [],
          compatibleArchitectures: [],
          line: 19,
          problems: [
            {
              line: 22,
              message:
                'S3Layer: its files are an object in S3, which a local run cannot fetch. Point Content at the local folder it is built from.',
            },
          ],
        },
      ]);
    });

    test("a function's Layers: the template's own by logical id, published versions by ARN; anything else is a problem at its line", () => {
      const [fn] = parseTemplate(text, file);
      assert.ok(fn);
      assert.deepEqual(fn.layers, [
        { logicalId: 'SharedLayer' },
        { logicalId: 'S3Layer' },
        { arn: 'arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12' },
      ]);
      assert.deepEqual(fn.problems, [
        `${file}:30: Fn: the layer "arn:aws:sqs:us-east-1:123456789012:Queue" is neither a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>) nor a layer of this template. Fix its Layers.`,
      ]);
      rmSync(folder, { recursive: true, force: true });
    });
  });

  test("Architectures: arm64 or x86_64 (Lambda's default when absent); anything else is a problem at its line", () => {
    const [arm, plain, wrong] = parseTemplate(
      [
        'Resources:',
        '  Arm:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { Handler: app.handler, Runtime: nodejs22.x, Architectures: [arm64] }',
        '  Plain:',
        '    Type: AWS::Lambda::Function',
        '    Properties: { Handler: app.handler, Runtime: nodejs22.x, Code: . }',
        '  Wrong:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Handler: app.handler',
        '      Runtime: nodejs22.x',
        '      Architectures: [arm64, x86_64]',
      ].join('\n'),
      path,
    );
    assert.equal(arm?.config.architecture, 'arm64');
    assert.equal(plain?.config.architecture, undefined);
    assert.deepEqual(wrong?.problems, [
      `${path}:13: Wrong: Architectures ["arm64","x86_64"] is not one Lambda accepts: write [x86_64] or [arm64].`,
    ]);
  });

  test('hand-written CloudFormation APIs: REST methods with an AWS_PROXY Uri and HTTP API routes to an integration are routes of the function', () => {
    const text = [
      'Resources:',
      '  Fn:',
      '    Type: AWS::Lambda::Function',
      '    Properties: { Handler: app.handler, Runtime: nodejs22.x, Code: . }',
      '  Rest:',
      '    Type: AWS::ApiGateway::RestApi',
      '    Properties: { Name: shop }',
      '  Orders:',
      '    Type: AWS::ApiGateway::Resource',
      '    Properties: { RestApiId: !Ref Rest, ParentId: !GetAtt Rest.RootResourceId, PathPart: orders }',
      '  Order:',
      '    Type: AWS::ApiGateway::Resource',
      "    Properties: { RestApiId: !Ref Rest, ParentId: !Ref Orders, PathPart: '{id}' }",
      '  GetOrder:',
      '    Type: AWS::ApiGateway::Method',
      '    Properties:',
      '      RestApiId: !Ref Rest',
      '      ResourceId: !Ref Order',
      '      HttpMethod: GET',
      '      AuthorizationType: NONE',
      '      Integration:',
      '        Type: AWS_PROXY',
      '        IntegrationHttpMethod: POST',
      '        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations',
      '  Mock:',
      '    Type: AWS::ApiGateway::Method',
      '    Properties: { RestApiId: !Ref Rest, ResourceId: !Ref Order, HttpMethod: OPTIONS, Integration: { Type: MOCK } }',
      '  Stage:',
      '    Type: AWS::ApiGateway::Stage',
      '    Properties: { RestApiId: !Ref Rest, StageName: live }',
      '  Http:',
      '    Type: AWS::ApiGatewayV2::Api',
      '    Properties: { Name: shop-http, ProtocolType: HTTP, CorsConfiguration: { AllowOrigins: ["*"] } }',
      '  Integration:',
      '    Type: AWS::ApiGatewayV2::Integration',
      '    Properties: { ApiId: !Ref Http, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn, PayloadFormatVersion: "1.0" }',
      '  Route:',
      '    Type: AWS::ApiGatewayV2::Route',
      "    Properties: { ApiId: !Ref Http, RouteKey: 'POST /orders', Target: !Sub 'integrations/${Integration}' }",
      '  Default:',
      '    Type: AWS::ApiGatewayV2::Route',
      "    Properties: { ApiId: !Ref Http, RouteKey: $default, Target: !Join ['/', [integrations, !Ref Integration]] }",
    ].join('\n');
    const [fn] = parseTemplate(text, path);
    assert.deepEqual(fn?.triggers, [
      { kind: 'route', api: 'rest', apiId: 'Rest', method: 'GET', path: '/orders/{id}', payloadVersion: '1.0' },
      { kind: 'route', api: 'http', apiId: 'Http', method: 'POST', path: '/orders', payloadVersion: '1.0' },
      { kind: 'route', api: 'http', apiId: 'Http', method: 'ANY', path: '$default', payloadVersion: '1.0' },
    ]);
    const located = parseLocatedYaml(text);
    assert.ok(located.ok);
    assert.deepEqual(
      templateApis(located.yaml.value, path, {}, located.yaml)
        .filter((api) => api.implicit !== true)
        .map((api) => [
          api.logicalId,
          api.kind,
          api.line,
          api.settings.name,
          api.settings.stageName,
          api.settings.cors?.allowOrigins,
        ]),
      [
        ['Rest', 'rest', 5, 'shop', 'live', undefined],
        ['Http', 'http', 31, 'shop-http', '$default', ['*']],
      ],
    );
  });

  test('OpenAPI definitions: an inline DefinitionBody and a DefinitionUri file give the functions their routes; a file that does not parse is a problem at DefinitionUri', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lwb-openapi-'));
    try {
      writeFileSync(
        join(folder, 'rest.yaml'),
        [
          'openapi: 3.0.1',
          'paths:',
          '  /{proxy+}:',
          '    x-amazon-apigateway-any-method:',
          '      x-amazon-apigateway-integration:',
          '        type: aws_proxy',
          '        httpMethod: POST',
          '        uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations',
        ].join('\n'),
      );
      writeFileSync(join(folder, 'broken.yaml'), 'paths: [\n');
      const file = join(folder, 'template.yaml');
      const text = [
        'Resources:',
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Handler: app.handler',
        '      Runtime: nodejs22.x',
        '      # The same route as the definition gives it: one route, as SAM merges them.',
        '      Events: { Orders: { Type: HttpApi, Properties: { Path: /orders, Method: get, ApiId: !Ref Http } } }',
        '  Http:',
        '    Type: AWS::Serverless::HttpApi',
        '    Properties:',
        '      DefinitionBody:',
        '        openapi: 3.0.1',
        '        paths:',
        '          /orders:',
        '            get:',
        '              x-amazon-apigateway-integration:',
        '                type: aws_proxy',
        '                payloadFormatVersion: "2.0"',
        '                uri: !GetAtt Fn.Arn',
        '  Rest:',
        '    Type: AWS::Serverless::Api',
        '    Properties: { StageName: v1, DefinitionUri: rest.yaml }',
        '  Broken:',
        '    Type: AWS::Serverless::Api',
        '    Properties:',
        '      StageName: v1',
        '      DefinitionUri: broken.yaml',
      ].join('\n');
      const [fn] = parseTemplate(text, file);
      assert.deepEqual(fn?.triggers, [
        { kind: 'route', api: 'http', apiId: 'Http', method: 'GET', path: '/orders', payloadVersion: '2.0' },
        { kind: 'route', api: 'rest', apiId: 'Rest', method: 'ANY', path: '/{proxy+}', payloadVersion: '1.0' },
      ]);
      const located = parseLocatedYaml(text);
      assert.ok(located.ok);
      const broken = templateApis(located.yaml.value, file, {}, located.yaml).find((api) => api.logicalId === 'Broken');
      assert.equal(broken?.problems?.length, 1);
      assert.equal(broken.problems[0]?.line, 28, 'the line of DefinitionUri');
      assert.match(
        broken.problems[0]?.message ?? '',
        new RegExp(
          `^Broken: its OpenAPI definition ${join(folder, 'broken.yaml').replaceAll('/', '\\/')}:\\d+ does not parse: .+\\. Fix it, and its routes are served\\.$`,
        ),
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('a Lambda proxy integration that names no function of the template is a problem at its resource; the other routes serve', () => {
    const text = [
      'Resources:',
      '  Rest:',
      '    Type: AWS::ApiGateway::RestApi',
      '  Elsewhere:',
      '    Type: AWS::ApiGateway::Method',
      '    Properties:',
      '      RestApiId: !Ref Rest',
      '      ResourceId: !GetAtt Rest.RootResourceId',
      '      HttpMethod: GET',
      '      Integration:',
      '        Type: AWS_PROXY',
      '        Uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:other/invocations',
    ].join('\n');
    const located = parseLocatedYaml(text);
    assert.ok(located.ok);
    const problems = templateApis(located.yaml.value, path, {}, located.yaml).flatMap((api) => api.problems ?? []);
    assert.deepEqual(problems, [
      {
        line: 4,
        message:
          'Elsewhere: its Lambda proxy integration names no function of this template, so its route is not served locally.',
      },
    ]);
  });

  test('invalid YAML names the file and the problem', () => {
    assert.throws(
      () => parseTemplate('Resources: [', path),
      /\/work\/app\/template\.yaml:1:\d+: the template is not valid YAML: /,
    );
    assert.throws(() => parseTemplate('- just\n- a list\n', path), /is not a CloudFormation template/);
  });
  describe('parameter values against their constraints, refused as CloudFormation refuses them', () => {
    const template = [
      'Parameters:',
      '  Stage:',
      '    Type: String',
      '    Default: dev',
      '    AllowedValues: [dev, prod]',
      '  Bucket:',
      '    Type: String',
      '    Default: orders-bucket',
      "    AllowedPattern: '[a-z0-9-]+'",
      '  Memory:',
      '    Type: Number',
      '    Default: 256',
      '    MinValue: 128',
      '    MaxValue: 10240',
      '  Regions:',
      '    Type: CommaDelimitedList',
      '    Default: eu-west-1,us-east-1',
      '    AllowedValues: [eu-west-1, us-east-1]',
      '  Prefix:',
      '    Type: String',
      '    Default: app',
      '    MaxLength: 5',
      'Resources:',
      '  Fn:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { Handler: app.handler, Runtime: nodejs20.x }',
      '',
    ].join('\n');
    const read = (parameters: Record<string, string>) => parseTemplate(template, path, { parameters });

    test('values within them are served', () => {
      assert.deepEqual(read({})[0]?.problems, []);
      assert.deepEqual(read({ Stage: 'prod', Memory: '10240', Regions: 'us-east-1', Prefix: 'shop' })[0]?.problems, []);
    });

    test('each broken constraint names the parameter, the value, the line and what to give', () => {
      // Every function of the stack is listed with the refusal as its problem, and none runs.
      const refusal = (parameters: Record<string, string>) => read(parameters)[0]?.problems.join('\n');
      assert.equal(
        refusal({ Stage: 'qa' }),
        '/work/app/template.yaml:5: the parameter Stage is "qa" (given for it), which is not one of its AllowedValues (dev, prod); ' +
          'CloudFormation refuses it. Give it a value that is one of dev, prod (--parameter-overrides Stage=<value>, or in samconfig.toml).',
      );
      assert.equal(
        refusal({ Bucket: 'Orders_Bucket' }),
        '/work/app/template.yaml:9: the parameter Bucket is "Orders_Bucket" (given for it), which does not match its AllowedPattern [a-z0-9-]+; ' +
          'CloudFormation refuses it. Give it a value that matches [a-z0-9-]+ (--parameter-overrides Bucket=<value>, or in samconfig.toml).',
      );
      assert.equal(
        refusal({ Memory: '64' }),
        '/work/app/template.yaml:13: the parameter Memory is "64" (given for it), which is below its MinValue 128; ' +
          'CloudFormation refuses it. Give it a value that is at least 128 (--parameter-overrides Memory=<value>, or in samconfig.toml).',
      );
      assert.equal(
        refusal({ Regions: 'eu-west-1,ap-south-1' }),
        '/work/app/template.yaml:18: the parameter Regions is "eu-west-1,ap-south-1" (given for it), which is not one of its AllowedValues (eu-west-1, us-east-1); ' +
          'CloudFormation refuses it. Give it a value that is one of eu-west-1, us-east-1 (--parameter-overrides Regions=<value>, or in samconfig.toml).',
      );
      assert.equal(
        refusal({ Prefix: 'storefront' }),
        '/work/app/template.yaml:22: the parameter Prefix is "storefront" (given for it), which is longer than its MaxLength 5; ' +
          'CloudFormation refuses it. Give it a value that has at most 5 characters (--parameter-overrides Prefix=<value>, or in samconfig.toml).',
      );
    });

    test('a Default outside the constraints is refused as its Default', () => {
      const [fn] = parseTemplate(template.replace('Default: dev', 'Default: staging'), path);
      assert.match(
        fn?.problems[0] ?? '',
        /^\/work\/app\/template\.yaml:5: the parameter Stage is its Default "staging", which is not one of its AllowedValues \(dev, prod\)/,
      );
    });

    test('a list is checked item by item, and lengths only bound strings', () => {
      const lists = [
        'Parameters:',
        '  Subnets:',
        '    Type: CommaDelimitedList',
        '    Default: subnet-aa,subnet-bb',
        "    AllowedPattern: 'subnet-[0-9a-f]+'",
        '    MaxLength: 5',
        'Resources:',
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { Handler: app.handler, Runtime: nodejs20.x }',
        '',
      ].join('\n');
      assert.deepEqual(parseTemplate(lists, path)[0]?.problems, []);
      assert.match(
        parseTemplate(lists, path, { parameters: { Subnets: 'subnet-aa,vpc-1' } })[0]?.problems[0] ?? '',
        /the parameter Subnets is "subnet-aa,vpc-1" \(given for it\), which does not match its AllowedPattern/,
      );
    });
  });
});

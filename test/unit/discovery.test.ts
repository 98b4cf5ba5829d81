// Workspace discovery over the fixture projects in test/fixtures/discovery: what each function
// is called, where it is described, which code it runs and with what configuration.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { HandlerCache } from '../../src/core/discovery/handler-cache';
import { nodeHandlerTarget, pythonHandlerTarget } from '../../src/core/discovery/handler-files';
import { layerLogicalId, parseServerless, readServerless } from '../../src/core/discovery/serverless';
import { parseLocatedYaml } from '../../src/core/discovery/cfn-yaml';
import { samEventTrigger, serverlessEventTriggers } from '../../src/core/discovery/declared-triggers';
import { triggerLabel } from '../../src/core/model/trigger';
import type { DiscoveredFunction, DiscoveryResult } from '../../src/core/discovery/types';
import { inProcessParser } from '../../src/core/discovery/find-handlers';
import { discoverWorkspace, type DiscoverOptions } from '../../src/core/discovery/workspace';

const fixtures = resolve(__dirname, '../fixtures/discovery');
const options: DiscoverOptions = { defaultNodeRuntime: 'nodejs22.x' };
const scratch = mkdtempSync(join(tmpdir(), 'lwb-discovery-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function byId(result: DiscoveryResult, id: string): DiscoveredFunction {
  const fn = result.functions.find((f) => f.id === id);
  assert.ok(fn, `${id} is among ${result.functions.map((f) => f.id).join(', ')}`);
  return fn;
}

/** The parts of a function a test compares, with paths relative to `root`. */
function summary(fn: DiscoveredFunction, root: string) {
  const rel = (path: string) => path.slice(root.length + 1);
  return {
    name: fn.config.name,
    source: fn.source,
    sourceFile: rel(fn.sourceFile),
    sourceLine: fn.sourceLine,
    runtime: fn.config.runtime,
    runtimeKnown: fn.runtimeKnown,
    handler: fn.config.handler,
    codeDir: rel(fn.config.codeDir) || '.',
    code:
      fn.handlerCode &&
      `${rel(fn.handlerCode.file)}:${fn.handlerCode.line}:${fn.handlerCode.column}#${fn.handlerCode.exportName}`,
  };
}

describe('a SAM template with Globals, tags, TypeScript and Python functions, and a nested stack', async () => {
  const root = join(fixtures, 'sam-app');
  const result = await discoverWorkspace(root, options, inProcessParser);

  test('lists the functions of the template and of the nested one, each once, in order', () => {
    assert.deepEqual(
      result.functions.map((f) => f.id),
      [
        'nested/stack.yaml#NotifyFunction',
        'template.yaml#CreateOrderFunction',
        'template.yaml#LegacyFunction',
        'template.yaml#ReportFunction',
      ],
    );
    assert.deepEqual(result.problems, [], 'the nested stack points back at its parent; the loop is not followed');
  });

  test('a TypeScript function built by esbuild: its EntryPoints lead to the source, Globals and !Sub apply', () => {
    const fn = byId(result, 'template.yaml#CreateOrderFunction');
    assert.deepEqual(summary(fn, root), {
      name: 'orders-dev-create',
      source: 'template',
      sourceFile: 'template.yaml',
      sourceLine: 27,
      runtime: 'nodejs20.x',
      runtimeKnown: true,
      handler: 'orders.handler',
      codeDir: 'ts',
      code: 'ts/src/orders.ts:5:13#handler',
    });
    assert.equal(fn.remoteName, 'orders-dev-create', 'FunctionName resolved from !Sub');
    assert.equal(fn.config.logicalId, 'CreateOrderFunction');
    assert.equal(fn.config.timeoutSeconds, 15);
    assert.equal(fn.config.memoryMB, 256);
    assert.deepEqual(fn.config.environment, { STAGE: 'dev', TABLE_NAME: 'OrdersTable' });
    assert.deepEqual(fn.triggers, [
      { kind: 'route', api: 'rest', method: 'POST', path: '/orders', payloadVersion: '1.0' },
      {
        kind: 'eventSource',
        service: 'SQS',
        source: 'OrdersQueue',
        sourceArn: 'arn:aws:sqs:us-east-1:123456789012:OrdersQueue',
      },
    ]);
    assert.deepEqual(fn.warnings, []);
  });

  test('a handler file without the named export is still linked, at line 1, with a warning', () => {
    const fn = byId(result, 'template.yaml#LegacyFunction');
    assert.equal(summary(fn, root).code, 'ts/src/orders.ts:1:0#legacy');
    assert.equal(fn.remoteName, undefined);
    assert.equal(fn.config.name, 'LegacyFunction');
    assert.equal(fn.config.logicalId, undefined, 'the name is the logical id');
    assert.deepEqual(fn.warnings, [
      'ts/src/orders.ts has no handler named legacy that Lambda could call; export it as a function, or correct the handler "src/orders.legacy".',
    ]);
  });

  test("a Python function: a dotted module path, its own runtime and memory, an unnamed queue's !GetAtt as a placeholder", () => {
    const fn = byId(result, 'template.yaml#ReportFunction');
    assert.deepEqual(summary(fn, root), {
      name: 'ReportFunction',
      source: 'template',
      sourceFile: 'template.yaml',
      sourceLine: 55,
      runtime: 'python3.12',
      runtimeKnown: true,
      handler: 'reports.app.lambda_handler',
      codeDir: 'py',
      code: 'py/reports/app.py:9:4#lambda_handler',
    });
    assert.equal(fn.config.memoryMB, 1024);
    assert.equal(fn.config.timeoutSeconds, 15, 'from Globals');
    assert.deepEqual(fn.config.environment, {
      STAGE: 'dev',
      TABLE_NAME: 'OrdersTable',
      QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/OrdersQueue',
    });
    assert.deepEqual(fn.triggers, [
      { kind: 'policy', service: 'EventBridge', source: '', principal: 'events.amazonaws.com', schedule: 'rate(1 day)' },
      // A table's stream ARN holds the time the stream was made: known only once deployed.
      { kind: 'eventSource', service: 'DynamoDB', source: 'OrdersTable' },
    ]);
    assert.match(
      fn.warnings.join('\n'),
      /OrdersQueue has no QueueName, so !GetAtt OrdersQueue\.QueueUrl is a placeholder built on the name OrdersQueue/,
    );
  });

  test('a nested stack from a local Location is read, with its own folders', () => {
    const fn = byId(result, 'nested/stack.yaml#NotifyFunction');
    assert.deepEqual(summary(fn, root), {
      name: 'NotifyFunction',
      source: 'template',
      sourceFile: 'nested/stack.yaml',
      sourceLine: 4,
      runtime: 'nodejs22.x',
      runtimeKnown: true,
      handler: 'notify.handler',
      codeDir: 'nested/src',
      code: 'nested/src/notify.js:3:8#handler',
    });
    assert.deepEqual(fn.triggers, [
      {
        kind: 'policy',
        service: 'SNS',
        source: 'NotifyTopic',
        principal: 'sns.amazonaws.com',
        sourceArn: 'arn:aws:sns:us-east-1:123456789012:NotifyTopic',
      },
    ]);
  });

  test('handlers that a template describes are not listed again as code', () => {
    assert.equal(result.functions.filter((f) => f.source === 'code').length, 0, result.functions.map((f) => f.id).join(', '));
  });
});

describe('serverless.yml', async () => {
  const root = join(fixtures, 'serverless-app');
  const result = await discoverWorkspace(root, options, inProcessParser);

  test('functions with the provider under them, variables resolved, and Serverless naming', () => {
    const create = byId(result, 'serverless.yml#create');
    assert.deepEqual(summary(create, root), {
      name: 'create',
      source: 'serverless',
      sourceFile: 'serverless.yml',
      sourceLine: 17,
      runtime: 'nodejs20.x',
      runtimeKnown: true,
      handler: 'src/handlers/create.main',
      codeDir: '.',
      code: 'src/handlers/create.ts:3:13#main',
    });
    assert.equal(create.remoteName, 'orders-api-dev-create', '<service>-<stage>-<key>, stage from ${opt:stage, "dev"}');
    assert.equal(create.config.memoryMB, 512);
    assert.equal(create.config.timeoutSeconds, 10);
    assert.deepEqual(create.config.environment, { TABLE_NAME: 'orders-dev', SECRET: '${ssm:/orders/secret}' });
    assert.deepEqual(create.triggers, [
      { kind: 'route', api: 'rest', method: 'POST', path: '/orders', payloadVersion: '1.0' },
      {
        kind: 'eventSource',
        service: 'SQS',
        source: 'orders-queue',
        sourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders-queue',
      },
    ]);
    assert.deepEqual(create.warnings, [
      'functions.create.environment.SECRET: ${ssm:/orders/secret} is read from SSM Parameter Store at deploy, which a local run does not read, so the text is kept as written; ' +
        'give the value in .lambda/functions.json ("environment") or, from a terminal, an env file (--env-file).',
    ]);
  });

  test("a function's own name is its deployed name; the framework's defaults fill what is not set", () => {
    const list = byId(result, 'serverless.yml#list');
    assert.deepEqual(summary(list, root), {
      name: 'list',
      source: 'serverless',
      sourceFile: 'serverless.yml',
      sourceLine: 27,
      runtime: 'nodejs20.x',
      runtimeKnown: true,
      handler: 'src/handlers/list.handler',
      codeDir: '.',
      code: 'src/handlers/list.js:3:15#handler',
    });
    assert.equal(list.remoteName, 'orders-list-fn');
    assert.equal(list.config.timeoutSeconds, 6, "the Serverless Framework's default");
    assert.equal(list.config.memoryMB, 512);
    assert.equal(list.config.environment['PAGE_SIZE'], '20');
    assert.deepEqual(list.triggers, [
      { kind: 'route', api: 'http', method: 'GET', path: '/orders', payloadVersion: '2.0' },
      { kind: 'policy', service: 'EventBridge', source: '', principal: 'events.amazonaws.com', schedule: 'rate(5 minutes)' },
      { kind: 'policy', service: 'S3', source: 'uploads-bucket', principal: 's3.amazonaws.com' },
      {
        kind: 'eventSource',
        service: 'DynamoDB',
        source: 'Orders',
        sourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000',
      },
    ]);
    assert.deepEqual(
      result.functions.map((f) => f.id),
      ['serverless.yml#create', 'serverless.yml#list'],
    );
  });

  test('the stage comes from the options; self references, sls:stage and quoted fallbacks resolve', () => {
    const [fn, other] = parseServerless(
      `
service: \${self:custom.service}
custom:
  service: shop
  sizes: { prod: 2048, dev: 256 }
provider:
  runtime: python3.12
  stage: \${opt:stage, 'dev'}
  memorySize: \${self:custom.sizes.\${sls:stage}}
  timeout: \${env:TIMEOUT, 30}
functions:
  worker:
    handler: jobs/worker.run
    environment:
      MODE: "\${opt:mode, 'fast, safe'}"
      QUEUE: { Ref: Queue }
  image:
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest
`,
      '/work/shop/serverless.yml',
      { stage: 'prod' },
    );
    assert.ok(fn);
    assert.equal(other, undefined, 'container image functions have no handler to run');
    assert.equal(fn.remoteName, 'shop-prod-worker');
    assert.equal(fn.config.memoryMB, 2048);
    assert.equal(fn.config.timeoutSeconds, 30);
    assert.equal(fn.config.runtime, 'python3.12');
    assert.equal(fn.config.codeDir, '/work/shop');
    assert.equal(fn.line, 12);
    assert.deepEqual(fn.config.environment, { MODE: 'fast, safe', QUEUE: '' });
    assert.deepEqual(fn.warnings, [
      'worker: environment variable QUEUE has a value that cannot be resolved locally; it is left empty.',
    ]);
  });

  test("layers: the file's own by { Ref: <Key>LambdaLayer }, published ARNs, the provider's for functions without their own", () => {
    assert.equal(layerLogicalId('common'), 'CommonLambdaLayer');
    assert.equal(layerLogicalId('my-shared_utils'), 'MyDashsharedUnderscoreutilsLambdaLayer');
    const text = `service: s
provider:
  runtime: nodejs20.x
  layers:
    - { Ref: SharedLambdaLayer }
layers:
  shared:
    path: .
    name: \${self:service}-shared
    compatibleArchitectures: [arm64]
  gone:
    path: no-such-folder
functions:
  a:
    handler: index.a
  b:
    handler: index.b
    layers:
      - arn:aws:lambda:us-east-1:123456789012:layer:tools:4
      - { Ref: SharedLayer }
`;
    const located = parseLocatedYaml(text);
    assert.ok(located.ok);
    const { functions, layers } = readServerless(located.yaml, join(fixtures, 'serverless.yml'));
    assert.deepEqual(layers, [
      {
        key: 'shared',
        name: 's-shared',
        contentDir: fixtures,
        compatibleRuntimes: [],
        compatibleArchitectures: ['arm64'],
        line: 7,
        problems: [],
      },
      {
        key: 'gone',
        name: 'gone',
        contentDir: join(fixtures, 'no-such-folder'),
        compatibleRuntimes: [],
        compatibleArchitectures: [],
        line: 11,
        problems: [
          {
            line: 12,
            message: `The layer gone's folder "no-such-folder" does not exist at ${join(fixtures, 'no-such-folder')}. Fix its path, or create the folder.`,
          },
        ],
      },
    ]);
    assert.deepEqual(
      functions.map((fn) => [fn.key, fn.layers, fn.problems]),
      [
        ['a', [{ key: 'shared' }], []],
        [
          'b',
          [{ arn: 'arn:aws:lambda:us-east-1:123456789012:layer:tools:4' }],
          [
            `${join(fixtures, 'serverless.yml')}:18: b: the layer { Ref: SharedLayer } names no layer of this file (the layer "common" is CommonLambdaLayer). Fix the name, or add the layer under layers:.`,
          ],
        ],
      ],
    );
  });

  test('a function with no runtime anywhere is marked unknown', () => {
    const [fn] = parseServerless('service: s\nfunctions:\n  a:\n    handler: index.handler\n', '/w/serverless.yml');
    assert.equal(fn?.runtimeUnknown, true);
    assert.equal(fn?.config.memoryMB, 1024);
    assert.equal(fn?.remoteName, 's-dev-a');
  });
});

describe('an export a handler string names, though it does not look like a handler', () => {
  test("is the function's handler (the serverless starter's `module.exports.hello = async (event) =>`), and no function of its own", async () => {
    const root = mkdtempSync(join(tmpdir(), 'lwb-named-export-'));
    try {
      writeFileSync(
        join(root, 'handler.js'),
        "'use strict';\n\nmodule.exports.hello = async (event) => {\n  return { statusCode: 200, body: 'hi' };\n};\n\nmodule.exports.helper = (a) => a;\n",
      );
      writeFileSync(join(root, 'jobs.py'), 'def main(e, c):\n    return 1\n');
      writeFileSync(
        join(root, 'serverless.yml'),
        'service: starter\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  hello:\n    handler: handler.hello\n  job:\n    handler: jobs.main\n    runtime: python3.12\n',
      );
      const result = await discoverWorkspace(root, options, inProcessParser);
      assert.deepEqual(
        result.functions.map((fn) => [fn.id, fn.handlerCode?.exportName, fn.handlerCode?.line, fn.warnings]),
        [
          ['serverless.yml#hello', 'hello', 3, []],
          ['serverless.yml#job', 'main', 1, []],
        ],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("a layer's code", () => {
  test('is shared code in /opt, not functions of their own; the layer and the function that uses it are listed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lwb-layer-code-'));
    try {
      mkdirSync(join(root, 'layers/shared/nodejs'), { recursive: true });
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'layers/shared/nodejs/helpers.js'), 'exports.handler = async () => "from the layer";\n');
      writeFileSync(join(root, 'src/app.js'), 'exports.handler = async () => "app";\n');
      writeFileSync(join(root, 'src/tool.js'), 'exports.handler = async () => "tool";\n');
      writeFileSync(
        join(root, 'template.yaml'),
        [
          'Resources:',
          '  Shared:',
          '    Type: AWS::Serverless::LayerVersion',
          '    Properties: { ContentUri: layers/shared }',
          '  App:',
          '    Type: AWS::Serverless::Function',
          '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs22.x, Layers: [!Ref Shared] }',
          '',
        ].join('\n'),
      );
      const result = await discoverWorkspace(root, options, inProcessParser);
      assert.deepEqual(
        result.functions.map((fn) => [fn.id, fn.layers]),
        [
          ['template.yaml#App', [{ layerId: 'template.yaml#Shared' }]],
          ['src/tool.js#handler', []],
        ],
      );
      assert.deepEqual(
        result.layers.map((layer) => [layer.id, layer.name, layer.contentDir]),
        [['template.yaml#Shared', 'Shared', join(root, 'layers/shared')]],
      );
      assert.deepEqual(result.problems, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('handlers found in code alone', async () => {
  const root = join(fixtures, 'code-only');
  const result = await discoverWorkspace(root, options, inProcessParser);

  test('every export form, named after its file, with Lambda defaults and the package folder as code folder', () => {
    const rows = result.functions.map((fn) => {
      const { name, code, handler, runtime, runtimeKnown, codeDir } = summary(fn, root);
      return `${fn.id} | ${name} | ${code ?? ''} | ${handler} | ${codeDir} | ${runtime} | ${runtimeKnown}`;
    });
    assert.deepEqual(rows, [
      'py/app.py#lambda_handler | app | py/app.py:4:4#lambda_handler | app.lambda_handler | py | python3.12 | false',
      'py/jobs.py#run | jobs-run | py/jobs.py:4:10#run | jobs.run | py | python3.12 | false',
      'py/jobs.py#process_handler | jobs-process_handler | py/jobs.py:11:4#process_handler | jobs.process_handler | py | python3.12 | false',
      'src/arrow.ts#handler | arrow | src/arrow.ts:2:13#handler | src/arrow.handler | . | nodejs22.x | true',
      'src/cjs-exports.cjs#handler | cjs-exports | src/cjs-exports.cjs:5:8#handler | src/cjs-exports.handler | . | nodejs22.x | true',
      'src/declared.ts#handler | declared | src/declared.ts:5:22#handler | src/declared.handler | . | nodejs22.x | true',
      'src/default.ts#default | default | src/default.ts:3:0#default | src/default.default | . | nodejs22.x | true',
      'src/export-list.ts#handler | export-list | src/export-list.ts:1:6#handler | src/export-list.handler | . | nodejs22.x | true',
      'src/middy-inline.ts#handler | middy-inline | src/middy-inline.ts:4:13#handler | src/middy-inline.handler | . | nodejs22.x | true',
      'src/middy.ts#handler | middy | src/middy.ts:8:13#handler | src/middy.handler | . | nodejs22.x | true',
      'src/module-exports.js#handler | module-exports | src/module-exports.js:3:15#handler | src/module-exports.handler | . | nodejs22.x | true',
      'src/object.cjs#handler | object | src/object.cjs:3:2#handler | src/object.handler | . | nodejs22.x | true',
      'src/renamed.ts#handler | renamed | src/renamed.ts:1:15#handler | src/renamed.handler | . | nodejs22.x | true',
      'src/shorthand.js#handler | shorthand | src/shorthand.js:3:15#handler | src/shorthand.handler | . | nodejs22.x | true',
      'src/sync.mjs#handler | sync | src/sync.mjs:1:16#handler | src/sync.handler | . | nodejs22.x | true',
      'src/typed.ts#main | typed-main | src/typed.ts:3:13#main | src/typed.main | . | nodejs22.x | true',
      'src/typed.ts#apiHandler | typed-apiHandler | src/typed.ts:5:13#apiHandler | src/typed.apiHandler | . | nodejs22.x | true',
      'src/typed.ts#consume | typed-consume | src/typed.ts:7:22#consume | src/typed.consume | . | nodejs22.x | true',
      'src/users/index.ts#handler | users | src/users/index.ts:1:13#handler | src/users/index.handler | . | nodejs22.x | true',
      'src/wrapped.ts#processOrder | wrapped-processOrder | src/wrapped.ts:7:13#processOrder | src/wrapped.processOrder | . | nodejs22.x | true',
    ]);
    assert.deepEqual(result.problems, []);
  });

  test('each has the defaults of a function nothing describes', () => {
    const fn = byId(result, 'src/arrow.ts#handler');
    assert.equal(fn.source, 'code');
    assert.equal(fn.sourceFile, join(root, 'src/arrow.ts'));
    assert.equal(fn.sourceLine, 2);
    assert.equal(fn.config.timeoutSeconds, 3);
    assert.equal(fn.config.memoryMB, 128);
    assert.deepEqual(fn.config.environment, {});
    assert.deepEqual(fn.triggers, []);
    assert.equal(fn.remoteName, undefined);
    assert.equal(fn.handlerCode?.language, 'typescript');
    assert.equal(byId(result, 'src/sync.mjs#handler').handlerCode?.language, 'javascript');
  });

  test('a Python runtime named by the options counts as known', async () => {
    const named = await discoverWorkspace(root, { ...options, defaultPythonRuntime: 'python3.11' }, inProcessParser);
    const fn = byId(named, 'py/app.py#lambda_handler');
    assert.equal(fn.config.runtime, 'python3.11');
    assert.equal(fn.runtimeKnown, true);
  });
});

test('look-alikes are not handlers: unexported, not functions, methods, tests, declarations, helpers', async () => {
  const result = await discoverWorkspace(join(fixtures, 'lookalikes'), options, inProcessParser);
  assert.deepEqual(
    result.functions.map((f) => f.id),
    [],
  );
  assert.deepEqual(result.problems, []);
});

describe('a monorepo: two services, installed packages, build output, a broken template', async () => {
  const root = join(scratch, 'monorepo');
  cpSync(join(fixtures, 'monorepo'), root, { recursive: true });
  // Folders git would not keep in a fixture, and a template that does not parse.
  const handlerCode = 'exports.handler = async (event, context) => ({ event, context });\n';
  for (const folder of [
    'node_modules/some-lib',
    'services/orders/.aws-sam/build/ApiFunction',
    'services/users/dist',
    'venv/lib',
  ]) {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'index.js'), handlerCode);
  }
  mkdirSync(join(root, 'broken'));
  writeFileSync(
    join(root, 'broken/template.yaml'),
    'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: [app.handler\n      Runtime: nodejs22.x\n',
  );
  const result = await discoverWorkspace(root, options, inProcessParser);

  test('the same logical id in two templates gets unique names: the later one takes its folder', () => {
    assert.deepEqual(
      result.functions.map((f) => [f.id, f.config.name, f.config.logicalId, f.triggers.map(triggerLabel).join()]),
      [
        ['services/orders/template.yaml#ApiFunction', 'ApiFunction', undefined, 'GET /orders (HTTP API)'],
        ['services/users/template.yaml#ApiFunction', 'ApiFunction-users', 'ApiFunction', 'GET /users (HTTP API)'],
      ],
    );
    assert.equal(
      byId(result, 'services/users/template.yaml#ApiFunction').handlerCode?.file,
      join(root, 'services/users/src/app.js'),
    );
  });

  test('a template that does not parse is a problem at its line; the other templates still list', () => {
    assert.equal(result.problems.length, 1);
    const [problem] = result.problems;
    assert.equal(problem?.file, join(root, 'broken/template.yaml'));
    assert.equal(problem?.line, 6);
    assert.equal(problem?.column, 6);
    assert.match(
      problem?.message ?? '',
      /^broken\/template\.yaml is not valid YAML: .+\. Fix it, and its functions will be listed again\.$/,
    );
  });

  test('a template* file that is not CloudFormation is not read as one', () => {
    assert.ok(!result.functions.some((f) => f.sourceFile.endsWith('template-notes.yaml')));
  });

  test('a template that is not a map is a problem at line 1', async () => {
    const other = join(scratch, 'not-a-map');
    mkdirSync(other);
    writeFileSync(join(other, 'template.yaml'), '- just\n- a list\n');
    const found = await discoverWorkspace(other, options, inProcessParser);
    assert.deepEqual(
      found.problems.map((p) => [p.line, p.column, p.message]),
      [[1, 0, `${join(other, 'template.yaml')} is not a CloudFormation template: it is not a map.`]],
    );
  });
});

test('a template function without a runtime: assumed from its code, and marked as not known', async () => {
  const root = join(fixtures, 'no-runtime');
  const result = await discoverWorkspace(root, options, inProcessParser);
  const untyped = byId(result, 'template.yaml#UntypedFunction');
  assert.deepEqual(summary(untyped, root), {
    name: 'UntypedFunction',
    source: 'template',
    sourceFile: 'template.yaml',
    sourceLine: 4,
    runtime: 'nodejs22.x',
    runtimeKnown: false,
    handler: 'index.handler',
    codeDir: 'src',
    code: 'src/index.js:1:8#handler',
  });
  const missing = byId(result, 'template.yaml#MissingCodeFunction');
  assert.equal(missing.config.runtime, 'provided.al2023', 'nothing tells which runtime');
  assert.equal(missing.runtimeKnown, false);
  assert.equal(missing.handlerCode, undefined);
  assert.deepEqual(missing.warnings, [
    'MissingCodeFunction: the template names no Runtime, so local runs assume one; add Runtime to the function or to Globals.',
    'No file for the handler "gone.handler" was found in src; check the handler and the code folder (CodeUri).',
  ]);
});

test('overrides apply last, by id: runtime (then known), timeout, memory, environment merged over', async () => {
  const result = await discoverWorkspace(
    join(fixtures, 'no-runtime'),
    {
      ...options,
      overrides: {
        'template.yaml#UntypedFunction': {
          runtime: 'nodejs20.x',
          timeoutSeconds: 30,
          memoryMB: 512,
          environment: { LEVEL: 'debug' },
        },
        'template.yaml#Elsewhere': { runtime: 'python3.13' },
      },
    },
    inProcessParser,
  );
  const fn = byId(result, 'template.yaml#UntypedFunction');
  assert.equal(fn.config.runtime, 'nodejs20.x');
  assert.equal(fn.runtimeKnown, true);
  assert.equal(fn.config.timeoutSeconds, 30);
  assert.equal(fn.config.memoryMB, 512);
  assert.deepEqual(fn.config.environment, { LEVEL: 'debug' });
  assert.equal(byId(result, 'template.yaml#MissingCodeFunction').runtimeKnown, false);

  const code = await discoverWorkspace(
    join(fixtures, 'code-only'),
    {
      ...options,
      overrides: { 'py/app.py#lambda_handler': { runtime: 'python3.13', environment: { A: '1' } } },
    },
    inProcessParser,
  );
  const python = byId(code, 'py/app.py#lambda_handler');
  assert.equal(python.config.runtime, 'python3.13');
  assert.equal(python.runtimeKnown, true);
  assert.deepEqual(python.config.environment, { A: '1' });
});

test('the whole fixture folder: sorted by source, file and line; names unique; ids relative with /', async () => {
  const result = await discoverWorkspace(fixtures, options, inProcessParser);
  const sources = result.functions.map((f) => f.source);
  assert.deepEqual(
    sources,
    [...sources].sort((a, b) => ['template', 'serverless', 'code'].indexOf(a) - ['template', 'serverless', 'code'].indexOf(b)),
  );
  const names = result.functions.map((f) => f.config.name);
  assert.equal(new Set(names).size, names.length, names.join(', '));
  assert.ok(result.functions.every((f) => !f.id.startsWith('/') && !f.id.includes('\\')));
  assert.deepEqual(
    result.functions.filter((f) => f.source !== 'code').map((f) => f.id),
    [
      'monorepo/services/orders/template.yaml#ApiFunction',
      'monorepo/services/users/template.yaml#ApiFunction',
      'no-runtime/template.yaml#UntypedFunction',
      'no-runtime/template.yaml#MissingCodeFunction',
      'sam-app/nested/stack.yaml#NotifyFunction',
      'sam-app/template.yaml#CreateOrderFunction',
      'sam-app/template.yaml#LegacyFunction',
      'sam-app/template.yaml#ReportFunction',
      'serverless-app/serverless.yml#create',
      'serverless-app/serverless.yml#list',
    ],
  );
  assert.equal(byId(result, 'monorepo/services/users/template.yaml#ApiFunction').config.name, 'ApiFunction-users');
  assert.ok(result.filesScanned > 30);
  assert.ok(result.durationMs > 0);
});

test('a file that changed is parsed again', async () => {
  const root = join(scratch, 'changing');
  mkdirSync(root);
  const file = join(root, 'worker.ts');
  writeFileSync(file, 'export const handler = async (event: unknown) => event;\n');
  const first = await discoverWorkspace(root, options, inProcessParser);
  assert.deepEqual(
    first.functions.map((f) => f.id),
    ['worker.ts#handler'],
  );
  writeFileSync(file, '\n\nexport async function handler(event: unknown) {\n  return event;\n}\n');
  const second = await discoverWorkspace(root, options, inProcessParser);
  assert.equal(second.functions[0]?.handlerCode?.line, 3);
});

test('a cache file carries what was found to the next process', async () => {
  const cacheFile = join(scratch, 'cache', 'discovery.json');
  const root = join(fixtures, 'code-only');
  const first = await discoverWorkspace(root, { ...options, cacheFile }, inProcessParser);
  const saved = JSON.parse(readFileSync(cacheFile, 'utf8')) as { version: number; entries: [string, ...unknown[]][] };
  assert.equal(saved.version, 1);
  assert.ok(saved.entries.some(([file]) => file === join(root, 'src/arrow.ts')));
  const again = await discoverWorkspace(root, { ...options, cacheFile }, inProcessParser);
  assert.deepEqual(again.functions, first.functions);
});

describe('YAML as real templates write it: merge keys, foreign tags, directives', async () => {
  const root = join(scratch, 'yaml-forms');
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src/app.js'), 'exports.handler = async () => 1;\n');
  writeFileSync(
    join(root, 'template.yaml'),
    [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  First:',
      '    Type: AWS::Serverless::Function',
      '    Properties: &common',
      '      CodeUri: src/',
      '      Handler: app.handler',
      '      Runtime: nodejs20.x',
      '      Timeout: 9',
      '  Second:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      <<: *common',
      '      Timeout: 20',
      '      Environment:',
      '        Variables:',
      '          MODE: !Custom fast',
      '',
    ].join('\n'),
  );
  const result = await discoverWorkspace(root, options, inProcessParser);

  test('a merge key (<<: *common) merges the anchored map under the keys written beside it', () => {
    assert.deepEqual(
      result.functions.map((f) => [f.config.name, f.config.runtime, f.config.handler, f.config.timeoutSeconds]),
      [
        ['First', 'nodejs20.x', 'app.handler', 9],
        ['Second', 'nodejs20.x', 'app.handler', 20],
      ],
    );
  });

  test("a tag that is not CloudFormation's is a problem at its line, its value read as written, and the functions still list", () => {
    assert.deepEqual(result.problems, [
      {
        file: join(root, 'template.yaml'),
        line: 18,
        column: 16,
        message:
          'template.yaml: the tag !Custom is not one CloudFormation knows, so its value is read as if it were not tagged. Use a CloudFormation tag (!Ref, !Sub, !GetAtt...) or remove it.',
      },
    ]);
    assert.deepEqual(result.functions[1]?.config.environment, { MODE: 'fast' });
  });
});

describe('the handler cache', () => {
  const file = '/work/app/src/a.ts';
  const handler = { file, exportName: 'handler', line: 3, column: 13, language: 'typescript' } as const;
  const old = { size: 120, mtimeMs: Date.now() - 60_000 };

  test('gives back what was stored while size and modification time are the same', () => {
    const cache = new HandlerCache();
    cache.store(file, old, [handler]);
    assert.deepEqual(cache.lookup(file, old), [handler]);
    assert.equal(cache.lookup(file, { ...old, size: 121 }), undefined);
    assert.equal(cache.lookup(file, { ...old, mtimeMs: old.mtimeMs + 1 }), undefined);
  });

  test('does not trust a file that was modified just before it was read', () => {
    const cache = new HandlerCache();
    const fresh = { size: 120, mtimeMs: Date.now() };
    cache.store(file, fresh, [handler]);
    assert.equal(cache.lookup(file, fresh), undefined);
  });

  test('survives a save and load; a damaged or older file adds nothing', () => {
    const path = join(scratch, 'handler-cache.json');
    const cache = new HandlerCache();
    cache.store(file, old, [handler]);
    cache.save(path);
    const loaded = new HandlerCache();
    loaded.load(path);
    assert.deepEqual(loaded.lookup(file, old), [handler]);
    for (const text of ['{ not json', JSON.stringify({ version: 0, entries: [[file, 120, old.mtimeMs, Date.now(), []]] })]) {
      writeFileSync(path, text);
      const other = new HandlerCache();
      other.load(path);
      assert.equal(other.lookup(file, old), undefined, text);
    }
  });

  test('forgets the files of a root that a scan no longer saw', () => {
    const cache = new HandlerCache();
    cache.store(file, old, [handler]);
    cache.store('/elsewhere/b.ts', old, []);
    cache.keepOnly('/work/app', new Set());
    assert.equal(cache.lookup(file, old), undefined);
    assert.deepEqual(cache.lookup('/elsewhere/b.ts', old), []);
  });
});

describe('handler strings to files, and triggers to labels', () => {
  test('Node.js: the module path under the code folder, TypeScript first, esbuild EntryPoints before all', () => {
    assert.deepEqual(nodeHandlerTarget('/app', 'src/orders.create.inner'), {
      language: 'node',
      candidates: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].map((ext) => `/app/src/orders${ext}`),
      exportName: 'create',
    });
    assert.deepEqual(nodeHandlerTarget('/app', 'app.handler', ['lib/other.ts', 'src/app.ts'])?.candidates[0], '/app/src/app.ts');
    assert.deepEqual(nodeHandlerTarget('/app', 'index.handler', ['src/main.ts'])?.candidates[0], '/app/src/main.ts');
    assert.equal(nodeHandlerTarget('/app', 'nodot'), undefined);
  });

  test('Python: slashes or dots to folders, then the module file or a package', () => {
    for (const handler of ['jobs/nightly/report.run', 'jobs.nightly.report.run']) {
      assert.deepEqual(pythonHandlerTarget('/app', handler), {
        language: 'python',
        candidates: ['/app/jobs/nightly/report.py', '/app/jobs/nightly/report/__init__.py'],
        exportName: 'run',
      });
    }
    assert.equal(pythonHandlerTarget('/app', 'handler'), undefined);
  });

  test('SAM events: routes with their API, payload version and authorizer; mappings, services and schedules', () => {
    // The template around the events: strings resolve as they are; the implicit REST API has a default authorizer.
    const context = {
      resolve: (value: unknown) => (typeof value === 'string' ? value : undefined),
      defaultAuthorizer: (api: 'rest' | 'http', apiId: string | undefined) =>
        api === 'rest' && apiId === undefined ? 'CognitoAuth' : undefined,
    };
    const triggers = [
      { Type: 'HttpApi' },
      { Type: 'Api', Properties: { Path: 'users/{id}', Method: 'any' } },
      { Type: 'Api', Properties: { Path: '/health', Method: 'get', Auth: { Authorizer: 'NONE' } } },
      {
        Type: 'HttpApi',
        Properties: {
          ApiId: { Ref: 'OrdersApi' },
          Path: '/orders',
          Method: 'post',
          PayloadFormatVersion: '1.0',
          Auth: { Authorizer: 'Jwt' },
        },
      },
      { Type: 'S3', Properties: { Bucket: { Ref: 'Uploads' }, Events: 's3:ObjectCreated:*' } },
      { Type: 'SQS', Properties: { Queue: 'arn:aws:sqs:eu-west-1:123456789012:jobs', BatchSize: 10 } },
      { Type: 'Kinesis', Properties: { Stream: { 'Fn::GetAtt': ['Clicks', 'Arn'] } } },
      { Type: 'ScheduleV2', Properties: { ScheduleExpression: 'cron(0 8 * * ? *)' } },
      { Type: 'EventBridgeRule', Properties: { Pattern: { source: ['aws.ec2', 'my.app'] } } },
      { Type: 'Cognito', Properties: { UserPool: { Ref: 'Users' }, Trigger: ['PreSignUp', 'PostConfirmation'] } },
      { Type: 'AlexaSkill' },
      { NoType: true },
    ].map((event) => samEventTrigger(event, context));
    assert.deepEqual(triggers, [
      { kind: 'route', api: 'http', method: 'ANY', path: '$default', payloadVersion: '2.0' },
      { kind: 'route', api: 'rest', method: 'ANY', path: '/users/{id}', payloadVersion: '1.0', authorizer: 'CognitoAuth' },
      { kind: 'route', api: 'rest', method: 'GET', path: '/health', payloadVersion: '1.0' },
      {
        kind: 'route',
        api: 'http',
        apiId: 'OrdersApi',
        method: 'POST',
        path: '/orders',
        payloadVersion: '1.0',
        authorizer: 'Jwt',
      },
      { kind: 'policy', service: 'S3', source: 'Uploads', principal: 's3.amazonaws.com', events: ['s3:ObjectCreated:*'] },
      {
        kind: 'eventSource',
        service: 'SQS',
        source: 'jobs',
        sourceArn: 'arn:aws:sqs:eu-west-1:123456789012:jobs',
        batchSize: 10,
      },
      { kind: 'eventSource', service: 'Kinesis', source: 'Clicks' },
      {
        kind: 'policy',
        service: 'EventBridge Scheduler',
        source: '',
        principal: 'scheduler.amazonaws.com',
        schedule: 'cron(0 8 * * ? *)',
      },
      { kind: 'policy', service: 'EventBridge', source: '', principal: 'events.amazonaws.com' },
      {
        kind: 'policy',
        service: 'Cognito',
        source: 'Users',
        principal: 'cognito-idp.amazonaws.com',
        events: ['PreSignUp', 'PostConfirmation'],
      },
      { kind: 'policy', service: 'Alexa', source: '', principal: 'alexa-appkit.amazon.com' },
      undefined,
    ]);
    assert.deepEqual(
      triggers.slice(0, 6).map((trigger) => trigger && triggerLabel(trigger)),
      [
        '$default (HTTP API)',
        'ANY /users/{id} (REST API)',
        'GET /health (REST API)',
        'POST /orders (HTTP API OrdersApi)',
        'S3 Uploads',
        'SQS jobs',
      ],
    );
  });

  test('serverless.yml events: routes, mappings, services, one trigger per schedule rate', () => {
    const context = { resolve: (value: unknown) => value, httpApiPayload: '2.0' as const };
    const triggers = [
      { http: 'GET users/{id}' },
      { http: { method: 'post', path: 'orders', authorizer: { name: 'auth', type: 'request' } } },
      { httpApi: '*' },
      { httpApi: { method: '*', path: '/any' } },
      { sns: 'alerts' },
      { sqs: { arn: { 'Fn::GetAtt': ['JobsQueue', 'Arn'] }, batchSize: 5 } },
      { schedule: { rate: ['rate(1 hour)', 'cron(0 12 * * ? *)'] } },
      { stream: { type: 'kinesis', arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks' } },
      { eventBridge: { pattern: { source: ['my.app'] } } },
      { websocket: { route: '$connect' } },
      { cloudwatchLog: '/aws/lambda/other' },
    ].flatMap((event) => serverlessEventTriggers(event, context));
    assert.deepEqual(triggers, [
      { kind: 'route', api: 'rest', method: 'GET', path: '/users/{id}', payloadVersion: '1.0' },
      { kind: 'route', api: 'rest', method: 'POST', path: '/orders', payloadVersion: '1.0', authorizer: 'auth' },
      { kind: 'route', api: 'http', method: 'ANY', path: '$default', payloadVersion: '2.0' },
      { kind: 'route', api: 'http', method: 'ANY', path: '/any', payloadVersion: '2.0' },
      { kind: 'policy', service: 'SNS', source: 'alerts', principal: 'sns.amazonaws.com' },
      { kind: 'eventSource', service: 'SQS', source: 'JobsQueue', batchSize: 5 },
      { kind: 'policy', service: 'EventBridge', source: '', principal: 'events.amazonaws.com', schedule: 'rate(1 hour)' },
      { kind: 'policy', service: 'EventBridge', source: '', principal: 'events.amazonaws.com', schedule: 'cron(0 12 * * ? *)' },
      {
        kind: 'eventSource',
        service: 'Kinesis',
        source: 'clicks',
        sourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks',
      },
      {
        kind: 'policy',
        service: 'EventBridge',
        source: 'my.app',
        principal: 'events.amazonaws.com',
        pattern: { source: ['my.app'] },
      },
      { kind: 'policy', service: 'API Gateway', source: 'WebSocket $connect', principal: 'apigateway.amazonaws.com' },
      { kind: 'policy', service: 'CloudWatch Logs', source: '/aws/lambda/other', principal: 'logs.amazonaws.com' },
    ]);
  });
});

describe("parameter values are the project template's only", () => {
  const root = mkdtempSync(join(tmpdir(), 'lwb-parameters-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const template = (env: string, allowed: string, fn: string, nested = '') =>
    [
      'Parameters:',
      `  Env: { Type: String, Default: ${env}, AllowedValues: [${allowed}] }`,
      'Resources:',
      `  ${fn}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Handler: app.handler',
      '      Runtime: nodejs20.x',
      '      Environment: { Variables: { ENV: !Ref Env } }',
      nested,
      '',
    ].join('\n');
  mkdirSync(join(root, 'other'));
  mkdirSync(join(root, 'child'));
  writeFileSync(
    join(root, 'template.yaml'),
    template(
      'prod',
      'dev, prod',
      'RootFn',
      '  Child:\n    Type: AWS::Serverless::Application\n    Properties: { Location: child/template.yaml }',
    ),
  );
  writeFileSync(join(root, 'other/template.yaml'), template('Development', 'Development, Production', 'OtherFn'));
  writeFileSync(join(root, 'child/template.yaml'), template('Development', 'Development, Production', 'ChildFn'));

  test('overrides reach the root template; another template of the folder and a nested one keep their defaults', async () => {
    const result = await discoverWorkspace(
      root,
      { defaultNodeRuntime: 'nodejs22.x', template: { parameters: { Env: 'dev' } } },
      inProcessParser,
    );
    const env = Object.fromEntries(result.functions.map((fn) => [fn.config.name, [fn.config.environment['ENV'], fn.problems]]));
    assert.deepEqual(env, {
      RootFn: ['dev', []],
      ChildFn: ['Development', []],
      OtherFn: ['Development', []],
    });
  });
});

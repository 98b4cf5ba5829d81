// Projects as their tools write them, read and run by the CLI: an AWS CDK app synthesized here
// with aws-cdk-lib from npm (a NodejsFunction that CDK bundles, a Python function from a folder,
// inline code, a nested stack). Its cloud assembly is read in both forms: as `cdk synth` writes it
// (with asset metadata in the templates) and as the app writes it alone (asset manifests only).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { inProcessParser } from '../../src/core/discovery/find-handlers';
import { discoverWorkspace } from '../../src/core/discovery/workspace';
import { folderProject } from '../../src/core/project/project';
import { readZip } from '../../src/core/zip/read-zip';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const cdkModules = join(root, '.cache/cdk/node_modules');
const scratch = mkdtempSync(join(tmpdir(), 'lwb-projects-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function runIn(folder: string, args: string[], input?: string, env?: Record<string, string>) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: folder,
    input,
    encoding: 'utf8',
    timeout: 120_000,
    ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The context the CDK CLI gives an app when it runs `cdk synth`: path and asset metadata on. */
const CDK_SYNTH_CONTEXT = JSON.stringify({
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': false,
  'aws:cdk:bundling-stacks': ['**'],
});

/** A copy of the fixture app, synthesized into its cdk.out as `cdk synth` would (its command in cdk.json). */
function synthesize(name: string, asTheCliDoes: boolean): string {
  const app = join(scratch, name);
  cpSync(join(root, 'test/fixtures/projects/cdk-app'), app, { recursive: true });
  // Its dependencies, as `npm install` would give it: aws-cdk-lib, constructs, esbuild.
  symlinkSync(cdkModules, join(app, 'node_modules'));
  execFileSync(process.execPath, ['bin/app.js'], {
    cwd: app,
    env: {
      PATH: process.env['PATH'] ?? '',
      CDK_OUTDIR: join(app, 'cdk.out'),
      ...(asTheCliDoes ? { CDK_CONTEXT_JSON: CDK_SYNTH_CONTEXT } : {}),
    },
    stdio: 'ignore',
    timeout: 120_000,
  });
  return app;
}

for (const [form, asTheCliDoes] of [
  ['as cdk synth writes it', true],
  ['as the app alone writes it', false],
] as const) {
  describe(`an AWS CDK app's cloud assembly, ${form}`, { skip: !existsSync(cdkModules) && 'run npm run setup' }, () => {
    let app = '';
    before(() => {
      app = synthesize(asTheCliDoes ? 'cli-synth' : 'plain-synth', asTheCliDoes);
    });

    test('the editor reads the app as the CLI does: its assembly, not its sources', async () => {
      const editor = folderProject(app);
      assert.deepEqual(editor.problems, []);
      const found = await discoverWorkspace(app, { defaultNodeRuntime: 'nodejs22.x', ...editor.options }, inProcessParser);
      const cli = JSON.parse(runIn(app, ['project', '--json']).stdout) as { functions: { name: string; codeDir: string }[] };
      assert.deepEqual(
        found.functions.map((fn) => [fn.config.name, relative(app, fn.config.codeDir)]),
        cli.functions.map((fn) => [fn.name, fn.codeDir]),
      );
      assert.equal(found.functions.length, 4);
    });

    test("project: its four functions, the nested stack's included, each with the code CDK built for it", () => {
      const result = runIn(app, ['project', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const read = JSON.parse(result.stdout) as {
        project: string;
        functions: {
          name: string;
          runtime: string;
          handler: string;
          codeDir: string;
          timeoutSeconds: number;
          memoryMB: number;
          file: string;
          handlerCode?: string;
          warnings: string[];
          problems: string[];
          layers: string[];
        }[];
        layers: { declaredAs: string; contentDir: string }[];
        problems: unknown[];
      };
      assert.equal(read.project, 'the cloud assembly cdk.out');
      assert.deepEqual(read.problems, []);
      const shape = read.functions.map((fn) => ({
        name: fn.name.replace(/[0-9A-F]{8}$/, '<hash>'),
        runtime: fn.runtime,
        handler: fn.handler,
        timeoutSeconds: fn.timeoutSeconds,
        memoryMB: fn.memoryMB,
        file: fn.file,
        code: fn.codeDir.startsWith('cdk.out/asset.') ? 'asset' : fn.codeDir.includes('inline-code') ? 'inline' : fn.codeDir,
        // The source each was built from, where the lenses go: the NodejsFunction's entry, the Python folder's file.
        handlerCode: fn.handlerCode?.includes('inline-code/') === true ? 'inline' : fn.handlerCode,
        warnings: fn.warnings,
        problems: fn.problems,
        layers: fn.layers.map((layer) => layer.replace(/[0-9A-F]{8}$/, '<hash>')),
      }));
      const common = { warnings: [], problems: [], layers: [] };
      assert.deepEqual(shape, [
        {
          ...common,
          name: 'HelloFn<hash>',
          runtime: 'nodejs20.x',
          handler: 'index.handler',
          timeoutSeconds: 10,
          memoryMB: 128,
          file: 'cdk.out/WorkbenchStack.template.json',
          code: 'asset',
          handlerCode: 'lambda/hello.ts:5',
        },
        {
          ...common,
          name: 'ReportFn<hash>',
          runtime: 'python3.11',
          handler: 'app.handler',
          timeoutSeconds: 3,
          memoryMB: 256,
          file: 'cdk.out/WorkbenchStack.template.json',
          code: 'asset',
          handlerCode: 'py/app.py:4',
          layers: ['SharedLayer<hash>'],
        },
        {
          ...common,
          name: 'InlineFn<hash>',
          runtime: 'nodejs20.x',
          handler: 'index.handler',
          timeoutSeconds: 3,
          memoryMB: 128,
          file: 'cdk.out/WorkbenchStack.template.json',
          code: 'inline',
          handlerCode: 'inline',
        },
        {
          ...common,
          name: 'JobFn<hash>',
          runtime: 'python3.11',
          handler: 'app.job',
          timeoutSeconds: 3,
          memoryMB: 128,
          file: 'cdk.out/WorkbenchStackJobsD450CC46.nested.template.json',
          code: 'asset',
          handlerCode: 'py/app.py:8',
        },
      ]);
      // The layer's files are its asset, a copy of the app's layer folder.
      assert.deepEqual(
        read.layers.map((layer) => [
          layer.declaredAs.replace(/[0-9A-F]{8}$/, '<hash>'),
          layer.contentDir.startsWith('cdk.out/asset.'),
        ]),
        [['SharedLayer<hash>', true]],
      );
      const [layer] = read.layers;
      assert.ok(layer !== undefined);
      assert.equal(
        readFileSync(join(app, layer.contentDir, 'python/report_format.py'), 'utf8'),
        readFileSync(join(root, 'test/fixtures/projects/cdk-app/layer/python/report_format.py'), 'utf8'),
      );
    });

    test("invoke runs each: the bundled TypeScript, the Python folder, the inline code, the nested stack's", () => {
      const names = (JSON.parse(runIn(app, ['project', '--json']).stdout) as { functions: { name: string }[] }).functions.map(
        (fn) => fn.name,
      );
      const [hello, report, inline, job] = names;
      const invoke = (name: string | undefined, event: unknown) => {
        const result = runIn(app, ['invoke', name ?? '', '--event', '-'], JSON.stringify(event));
        assert.equal(result.code, 0, result.stderr);
        return JSON.parse(result.stdout) as unknown;
      };
      assert.deepEqual(invoke(hello, { name: 'ada' }), { message: 'hello, ada' });
      assert.deepEqual(invoke(report, {}), { report: true, function: report, memory: '256' });
      assert.deepEqual(invoke(inline, { n: 1 }), { inline: true, event: { n: 1 } });
      assert.deepEqual(invoke(job, { id: 7 }), { job: 7 });
    });

    test("start-api serves the app's REST API under its stage, its HTTP API and the function URL, read from the CloudFormation CDK wrote", async () => {
      const child = spawn(process.execPath, [cli, 'start-api', '--port', '0'], {
        cwd: app,
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        while (!/function URL \S+: http:\/\/127\.0\.0\.1:\d+\n/.test(stderr)) {
          if (child.exitCode !== null) assert.fail(`start-api exited: ${stderr}`);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        const url = (kind: string) =>
          new RegExp(`^${kind} \\S+(?: \\(stage [^)]+\\))?: (http:\\S+)$`, 'm').exec(stderr)?.[1] ?? '';
        assert.match(url('REST API'), /\/v1$/, 'the REST API answers under its stage, v1');
        // The NodejsFunction returns { message }: an HTTP API infers a response from it, a REST API
        // refuses it (no statusCode), as API Gateway does.
        const viaHttp = await fetch(`${url('HTTP API')}/hello/ada`);
        assert.deepEqual([viaHttp.status, await viaHttp.json()], [200, { message: 'hello, cdk' }]);
        const viaRest = await fetch(`${url('REST API')}/hello/ada`);
        assert.deepEqual([viaRest.status, await viaRest.json()], [502, { message: 'Internal server error' }]);
        // The CORS preflight CDK answers with a MOCK OPTIONS method (defaultCorsPreflightOptions).
        const preflight = await fetch(`${url('REST API')}/hello/ada`, {
          method: 'OPTIONS',
          headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET' },
        });
        assert.deepEqual([preflight.status, preflight.headers.get('access-control-allow-origin')], [200, '*']);
        assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /GET/);
        const viaUrl = await fetch(`${url('function URL')}/anything`);
        assert.deepEqual([viaUrl.status, await viaUrl.json()], [200, { message: 'hello, cdk' }]);
      } finally {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      }
    });
  });
}

describe('a CDK app whose cloud assembly is missing', () => {
  test('says so, and what to run', () => {
    const app = join(scratch, 'not-synthesized');
    cpSync(join(root, 'test/fixtures/projects/cdk-app'), app, { recursive: true });
    const result = runIn(app, ['project']);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `lambda-workbench: This is a CDK app (cdk.json) with no cloud assembly in ${join(app, 'cdk.out')} yet. Run "cdk synth" (or pass --synth, which runs this app's own CDK first), then try again.\n`,
    );
  });

  test('--synth without a CDK CLI in the app says how to get one', () => {
    const app = join(scratch, 'no-cdk-cli');
    cpSync(join(root, 'test/fixtures/projects/cdk-app'), app, { recursive: true });
    const result = runIn(app, ['project', '--synth']);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `lambda-workbench: The CDK app in ${app} has no CDK CLI in its node_modules. Install it ("npm install --save-dev aws-cdk"), or run "npx cdk synth" yourself.\n`,
    );
  });
});

describe(
  'a CDK app synthesized by its own CDK CLI (--synth), then changed',
  { skip: !existsSync(join(cdkModules, '.bin/cdk')) && 'run npm run setup' },
  () => {
    const app = join(scratch, 'synth-flag');
    // The CDK CLI's own calls home, turned off: tests talk to nothing but 127.0.0.1.
    const env = { CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: '1', HOME: join(scratch, 'home') };
    before(() => {
      cpSync(join(root, 'test/fixtures/projects/cdk-app'), app, { recursive: true });
      symlinkSync(cdkModules, join(app, 'node_modules'));
    });

    const readProject = () => {
      const result = runIn(app, ['project', '--json'], undefined, env);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as {
        functions: { name: string }[];
        problems: { file: string; line: number; message: string }[];
      };
    };

    test('--synth runs "cdk synth" before reading, so the assembly exists and is current', () => {
      const result = runIn(app, ['project', '--json', '--synth'], undefined, env);
      assert.equal(result.code, 0, result.stderr);
      const read = JSON.parse(result.stdout) as { project: string; functions: { name: string }[]; problems: unknown[] };
      assert.equal(read.project, 'the cloud assembly cdk.out');
      assert.equal(read.functions.length, 4);
      assert.deepEqual(read.problems, []);
      assert.ok(existsSync(join(app, 'cdk.out/manifest.json')));
    });

    test('a source changed after the synth is a problem at that file, which --synth clears', () => {
      const manifest = statSync(join(app, 'cdk.out/manifest.json'));
      const later = new Date(manifest.mtimeMs + 10_000);
      utimesSync(join(app, 'lambda/hello.ts'), later, later);
      const read = readProject();
      assert.equal(read.functions.length, 4, 'the functions are still served, as last synthesized');
      assert.deepEqual(read.problems, [
        {
          file: 'lambda/hello.ts',
          line: 1,
          message:
            'lambda/hello.ts changed after cdk.out was synthesized, so the functions are as the last "cdk synth" wrote them. ' +
            'Run "cdk synth" again (or pass --synth, which runs this app\'s own CDK first).',
        },
      ]);
      // Synthesized again, the assembly is newer than every source.
      const future = new Date(Date.now() - 1000);
      utimesSync(join(app, 'lambda/hello.ts'), future, future);
      assert.equal(runIn(app, ['project', '--synth'], undefined, env).code, 0);
      assert.deepEqual(readProject().problems, []);
    });

    test('a failing synth stops the command with its output and exit code', () => {
      writeFileSync(join(app, 'bin/broken.js'), "throw new Error('the app is broken');\n");
      writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'node bin/broken.js' }));
      const result = runIn(app, ['project', '--synth'], undefined, env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /Error: the app is broken/);
      assert.ok(
        result.stderr.endsWith(
          `lambda-workbench: "cdk synth" of ${app} failed (exit code 1); its output is above. Fix the app, then try again.\n`,
        ),
        result.stderr,
      );
    });
  },
);

describe('a `sam build` output (.aws-sam/build/template.yaml) beside its source template', () => {
  const folder = join(root, 'test/fixtures/projects/sam-build');
  const built = '.aws-sam/build/template.yaml';

  test('in its folder the source template is served, and a note says the build output is not', () => {
    const result = runIn(folder, ['invoke', 'HelloWorldFunction']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { statusCode: 200, body: '{"message":"hello world","built":false}' });
    assert.match(
      result.stderr,
      /^note: Serving template\.yaml, built from its sources; its "sam build" output in \.aws-sam\/build is not used \(pass --template \.aws-sam\/build\/template\.yaml to serve that\)\.$/m,
    );
  });

  test("named, each function's handler is the source it was built from, for lenses and Open Handler", () => {
    const read = runIn(folder, ['project', '--json', '--template', built]);
    assert.equal(read.code, 0, read.stderr);
    const { functions } = JSON.parse(read.stdout) as { functions: { name: string; codeDir: string; handlerCode?: string }[] };
    assert.deepEqual(
      functions.map(({ name, codeDir, handlerCode }) => ({ name, codeDir, handlerCode })),
      [{ name: 'HelloWorldFunction', codeDir: '.aws-sam/build/HelloWorldFunction', handlerCode: 'hello-world/app.ts:1' }],
    );
  });

  test('named, its functions run and are packaged as built, not bundled again from sources it does not hold', () => {
    const invoked = runIn(folder, ['invoke', 'HelloWorldFunction', '--template', built]);
    assert.equal(invoked.code, 0, invoked.stderr);
    assert.deepEqual(JSON.parse(invoked.stdout), { statusCode: 200, body: '{"message":"hello world","built":true}' });
    assert.match(
      invoked.stderr,
      /^note: \.aws-sam\/build\/template\.yaml is what "sam build" made: its functions run as built;/m,
    );
    const out = join(scratch, 'built.zip');
    const bundled = runIn(folder, ['bundle', 'HelloWorldFunction', '--template', built, '--out', out]);
    assert.equal(bundled.code, 0, bundled.stderr);
    const zip = readFileSync(out);
    assert.deepEqual(
      readZip(zip).map((entry) => entry.path),
      ['app.js'],
    );
    assert.equal(
      readZip(zip)[0]?.read().toString('utf8'),
      readFileSync(join(folder, '.aws-sam/build/HelloWorldFunction/app.js'), 'utf8'),
      'the built file, byte for byte',
    );
  });
});

describe("a SAM project bundled by esbuild with SAM's BuildProperties", () => {
  const folder = join(root, 'test/fixtures/projects/sam-esbuild');

  test('project --json: the BuildProperties as the bundler takes them', () => {
    const result = runIn(folder, ['project', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [fn] = (JSON.parse(result.stdout) as { functions: { name: string; handlerCode: string; esbuild: unknown }[] })
      .functions;
    assert.equal(
      fn?.handlerCode,
      'app/src/handlers/report.ts:4',
      'EntryPoints name the source; its extension is found as SAM finds it',
    );
    assert.deepEqual(fn.esbuild, {
      entryPoints: ['src/handlers/report'],
      sourcemap: true,
      target: 'es2022',
      format: 'esm',
      external: ['pg-native'],
      mainFields: ['module', 'main'],
      loader: { '.sql': 'text' },
      banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      outExtension: '.mjs',
    });
  });

  test('invoke runs the entry point bundled as SAM bundles it: the banner, the text loader, the external package', () => {
    const result = runIn(folder, ['invoke', 'ReportFunction', '--event', '-'], '{"day":"monday"}');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      heading: 'Report for monday',
      query: 'SELECT day, SUM(total) AS total FROM orders GROUP BY day ORDER BY day;',
      // A CommonJS module's require() inside the ES module works through the banner's require.
      lineEnding: JSON.stringify('\n'),
      nativeDriver: 'absent',
    });
  });

  test('bundle: report.mjs minified (SAM minifies unless told not to), with its source map, and it runs', async () => {
    const out = join(scratch, 'report.zip');
    const result = runIn(folder, ['bundle', 'ReportFunction', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const entries = readZip(readFileSync(out));
    assert.deepEqual(
      entries.map((entry) => entry.path),
      ['report.mjs', 'report.mjs.map'],
    );
    const code = entries[0]?.read().toString('utf8') ?? '';
    assert.ok(
      code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);\n"),
      code.slice(0, 200),
    );
    assert.equal(code.includes('reportHeadingText'), false, 'minified: local names are shortened');
    const unpacked = join(scratch, 'report-package');
    mkdirSync(unpacked, { recursive: true });
    for (const entry of entries) writeFileSync(join(unpacked, entry.path), entry.read());
    const module = (await import(pathToFileURL(join(unpacked, 'report.mjs')).href)) as {
      handler: (event: unknown) => Promise<Record<string, string>>;
    };
    assert.deepEqual(await module.handler({}), {
      heading: 'Report for today',
      query: 'SELECT day, SUM(total) AS total FROM orders GROUP BY day ORDER BY day;',
      lineEnding: JSON.stringify('\n'),
      nativeDriver: 'absent',
    });
  });
});

describe('a SAM project with samconfig.toml, Parameters, Conditions, Mappings and references', () => {
  const folder = join(root, 'test/fixtures/projects/sam-config');

  function invoke(...args: string[]): Record<string, string> {
    const result = runIn(folder, ['invoke', 'OrdersFunction', ...args]);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Record<string, string>;
  }

  test("the default environment: samconfig.toml's parameter overrides over the template's defaults", () => {
    assert.deepEqual(invoke(), {
      memory: '256',
      TABLE: 'shop-dev',
      TABLE_ARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/shop-dev',
      QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-dev',
      QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:orders-dev',
      LOG_LEVEL: 'DEBUG',
      SECOND: 'b',
      MODE: 'test',
      SHARED_LAYER: 'arn:aws:lambda:us-east-1:123456789012:layer:shared-dev:1',
    });
    const read = runIn(folder, ['project', '--json']);
    assert.equal(read.code, 0, read.stderr);
    const project = JSON.parse(read.stdout) as {
      functions: { name: string; layers: string[] }[];
      layers: unknown[];
      notes: string[];
    };
    assert.deepEqual(
      project.functions.map((fn) => [fn.name, fn.layers]),
      [['OrdersFunction', ['SharedLayer']]],
      "ProdOnlyFunction has Condition: IsProd, false for dev; OrdersFunction's own layer is !Ref AWS::NoValue in dev",
    );
    assert.deepEqual(project.layers, [
      {
        name: 'shared-dev',
        declaredAs: 'SharedLayer',
        source: 'template',
        file: 'template.yaml',
        line: 51,
        contentDir: 'layers/shared',
        compatibleRuntimes: ['nodejs20.x'],
        compatibleArchitectures: [],
        buildMethod: 'nodejs20.x',
      },
    ]);
    assert.deepEqual(project.notes, [
      'Parameters from samconfig.toml (default): TableName (--parameter-overrides changes them).',
    ]);
  });

  test('--config-env prod: its Stage selects the mapping, the condition and the extra function', () => {
    assert.deepEqual(invoke('--config-env', 'prod'), {
      memory: '1024',
      TABLE: 'shop-prod',
      TABLE_ARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/shop-prod',
      QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-prod',
      QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:orders-prod',
      LOG_LEVEL: 'INFO',
      SECOND: 'b',
      MODE: 'live',
      SHARED_LAYER: 'arn:aws:lambda:us-east-1:123456789012:layer:shared-prod:1',
    });
    const read = runIn(folder, ['project', '--json', '--config-env', 'prod']);
    assert.equal(read.code, 0, read.stderr);
    const project = JSON.parse(read.stdout) as { functions: { name: string; memoryMB: number; layers: string[] }[] };
    // Globals' layers come first, then the function's own (SAM joins lists).
    assert.deepEqual(
      project.functions.map((fn) => [fn.name, fn.memoryMB, fn.layers]),
      [
        [
          'OrdersFunction',
          1024,
          ['SharedLayer', 'arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12'],
        ],
        ['ProdOnlyFunction', 128, ['SharedLayer']],
      ],
    );
  });

  test('--parameter-overrides win over samconfig.toml, one flag or several', () => {
    assert.equal(invoke('--parameter-overrides', 'TableName=carts')['TABLE'], 'carts-dev');
    const both = invoke('--parameter-overrides', 'Stage=prod', '--parameter-overrides', 'TableName="my carts"');
    assert.equal(both['TABLE'], 'my carts-prod');
    assert.equal(both['MODE'], 'live');
  });

  test('an environment samconfig.toml does not have, or a file that does not parse: the file, the line and the way out', () => {
    const missing = runIn(folder, ['invoke', 'OrdersFunction', '--config-env', 'staging']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.equal(
      missing.stderr,
      `lambda-workbench: ${join(folder, 'samconfig.toml')}:1: there is no config environment "staging" (it has default, prod). Choose one of them with --config-env.\n`,
    );

    const broken = join(scratch, 'broken-samconfig');
    cpSync(folder, broken, { recursive: true });
    const config = join(broken, 'samconfig.toml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('stack_name = "orders"', 'stack_name = orders"'));
    const result = runIn(broken, ['project']);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^lambda-workbench: .*broken-samconfig\/samconfig\.toml:5: it is not valid TOML: .+\. Fix it and try again\.\n$/,
    );
  });
});

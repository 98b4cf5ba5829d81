// The command line, as a separate process: `serve` a SAM template over the Invoke API, `invoke`
// one function, `bundle` a handler. Runs dist/cli.js, the artifact users run.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readZip } from '../../src/core/zip/read-zip';
import { isAlive, sleep } from './emulator-harness';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const app = join(root, 'test/fixtures/templates/app');
const template = join(app, 'template.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'lwb-cli-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function runCli(args: string[], input?: string) {
  assert.ok(existsSync(cli), `${cli} exists; run "npm run build" first`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: scratch, input, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Served {
  readonly url: string;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  stderr(): string;
}

/** Starts `serve` and waits for the line that says where it listens. */
async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [cli, 'serve', ...args], {
    cwd: scratch,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  for (let i = 0; i < 200; i++) {
    const match = /serving \d+ function\(s\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
    if (match?.[1]) return { url: match[1], child, stderr: () => stderr };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not start:\n${stderr}`);
}

async function invokeHttp(url: string, name: string, event: unknown) {
  const response = await fetch(`${url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    body: JSON.stringify(event),
  });
  return {
    status: response.status,
    error: response.headers.get('x-amz-function-error'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('lambda-workbench serve', () => {
  let served: Served;
  before(async () => {
    const envFile = join(scratch, '.env');
    writeFileSync(envFile, '# comment\nFROM_ENV_FILE="from .env"\n');
    served = await serve(['--template', template, '--port', '0', '--env-file', envFile]);
  });
  after(async () => {
    if (served.child.exitCode === null) {
      served.child.kill('SIGKILL');
      await sleep(100);
    }
  });

  test('GET / answers once every function is ready', async () => {
    const response = await fetch(`${served.url}/`);
    assert.deepEqual(await response.json(), {
      status: 'ready',
      functions: ['named-node-function', 'TsFunction', 'PyFunction'],
    });
  });

  test('a function is reachable by FunctionName and by logical id, with Globals, parameters and .env applied', async () => {
    const byName = await invokeHttp(served.url, 'named-node-function', { a: 1 });
    const byId = await invokeHttp(served.url, 'NodeFunction', { a: 2 });
    assert.equal(byName.status, 200);
    assert.equal(byName.body['name'], 'named-node-function');
    assert.equal(byId.body['name'], 'named-node-function');
    assert.deepEqual(byName.body['env'], {
      STAGE: 'dev',
      TABLE: 'dev-orders-us-east-1',
      FROM_GLOBALS: 'yes',
      BUCKET_ARN: 'arn:aws:s3:::Bucket',
      FROM_ENV_FILE: 'from .env',
    });
    assert.equal(byName.body['timeout'], 5, 'Globals.Timeout');
    assert.equal(byName.body['memory'], '256', 'Globals.MemorySize');
    assert.match(
      served.stderr(),
      /^warning: NodeFunction\.Environment\.BUCKET_ARN: Bucket has no BucketName, so !GetAtt Bucket\.Arn is a placeholder built on the name Bucket; CloudFormation names it once deployed\./m,
    );
  });

  test('a TypeScript handler is bundled with esbuild and runs', async () => {
    const result = await invokeHttp(served.url, 'TsFunction', { name: 'cli' });
    assert.deepEqual(result.body, { message: 'HELLO CLI!', typescript: true });
  });

  test('a Python function runs with its own timeout', async () => {
    const result = await invokeHttp(served.url, 'PyFunction', { n: 1 });
    assert.deepEqual(result.body, { python: true, name: 'PyFunction', event: { n: 1 } });
  });

  test('the log is written to standard error, prefixed with the function', async () => {
    await invokeHttp(served.url, 'NodeFunction', {});
    assert.match(served.stderr(), /\[named-node-function\] START RequestId: /);
    assert.match(served.stderr(), /\[named-node-function\] REPORT RequestId: .*Memory Size: 256 MB/);
  });

  test('SIGTERM stops the server and every environment', async () => {
    const pid = (await invokeHttp(served.url, 'NodeFunction', {})).body['pid'] as number;
    assert.ok(isAlive(pid));
    const exited = new Promise<number | null>((resolve) => {
      served.child.once('exit', (code) => {
        resolve(code);
      });
    });
    served.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await sleep(100);
    assert.equal(isAlive(pid), false);
  });
});

describe('lambda-workbench serve, refusing bad input', () => {
  test('a port in use is named, with the next step', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = runCli(['serve', '--template', template, '--port', String(port)]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`Port ${port} is in use\\. Choose another with --port\\.`));
    } finally {
      blocker.close();
    }
  });

  test('a folder with no function says what was looked for', () => {
    const result = runCli(['serve']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `lambda-workbench: No Lambda function was found in the folder ${scratch}: no template.yaml, serverless.yml or exported handler. ` +
        "Pass a template with --template, a serverless.yml with --config, or run in the project's folder.\n",
    );
  });

  test('a template that is not YAML is refused with the reason', () => {
    const broken = join(scratch, 'broken.yaml');
    writeFileSync(broken, 'Resources:\n  A: [unclosed\n');
    const result = runCli(['serve', '--template', broken]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^lambda-workbench: \S*broken\.yaml:3:1: broken\.yaml is not valid YAML: [^\n]*[^:]\. Fix it, and its functions will be listed again\.\n$/,
    );
  });
});

describe('lambda-workbench invoke', () => {
  test('prints the payload on standard output and the log on standard error', () => {
    const event = join(scratch, 'event.json');
    writeFileSync(event, '{"from":"file"}');
    const result = runCli(['invoke', 'NodeFunction', '--template', template, '--event', event]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as { event: unknown }).event, { from: 'file' });
    assert.match(result.stderr, /^START RequestId: \S+ Version: \$LATEST$/m);
    assert.match(result.stderr, /^REPORT RequestId: .*Init Duration: /m);
  });

  test('reads the event from standard input with --event -', () => {
    const result = runCli(['invoke', 'TsFunction', '--template', template, '--event', '-'], '{"name":"stdin"}');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { message: 'HELLO STDIN!', typescript: true });
  });

  test('a function error prints the error and exits 1', () => {
    const result = runCli(['invoke', 'NodeFunction', '--template', template, '--event', '-'], '{"fail":true}');
    assert.equal(result.code, 1);
    assert.equal((JSON.parse(result.stdout) as { errorMessage: string }).errorMessage, 'asked to fail');
  });

  test("an unknown function lists the template's functions", () => {
    const result = runCli(['invoke', 'Nope', '--template', template]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /has no function "Nope"\. Its functions: named-node-function \(NodeFunction\), TsFunction, PyFunction\./,
    );
  });

  test('an event that is not JSON is refused before anything runs', () => {
    const result = runCli(['invoke', 'NodeFunction', '--template', template, '--event', '-'], '{not json');
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      'lambda-workbench: standard input:1:2: the event is not valid JSON: expected a property name in double quotes but found "n". Fix the event and run again.\n',
    );
  });
});

/** Writes a template next to the app's code folders, so CodeUri paths resolve as in the real app. */
function appTemplate(name: string, resources: string, head = ''): string {
  const path = join(app, `.${name}.test-template.yaml`);
  writeFileSync(path, `Transform: AWS::Serverless-2016-10-31\n${head}Resources:\n${resources}`);
  after(() => rmSync(path, { force: true }));
  return path;
}

describe('lambda-workbench says what is wrong, where, and what to do', () => {
  test('a missing CodeUri folder is named, with the template line, instead of "spawn ENOENT"', () => {
    const path = appTemplate(
      'missing-code',
      '  Hello:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      Handler: app.handler\n      CodeUri: hello-world/\n',
    );
    const result = runCli(['invoke', 'Hello', '--template', path]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `lambda-workbench: Hello cannot run locally:\n${path}:8: Hello: its code folder "hello-world/" (CodeUri) does not exist at ${join(app, 'hello-world')}. Fix CodeUri, or run the build that creates the folder.\n`,
    );
  });

  test('a function without Runtime or Handler is told what to add', () => {
    const path = appTemplate(
      'no-runtime',
      '  NoRuntime:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: node-src/\n      Handler: app.handler\n' +
        '  NoHandler:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: node-src/\n      Runtime: nodejs20.x\n',
    );
    const noRuntime = runCli(['invoke', 'NoRuntime', '--template', path]);
    assert.equal(noRuntime.code, 1);
    assert.match(
      noRuntime.stderr,
      new RegExp(
        `${path.replaceAll('.', '\\.')}:3: NoRuntime: There is no Runtime: add one \\(such as nodejs22\\.x or python3\\.12\\) to the function or to Globals\\.Function\\.`,
      ),
    );
    const noHandler = runCli(['invoke', 'NoHandler', '--template', path]);
    // No Handler line to point at: the resource's.
    assert.match(noHandler.stderr, /:8: NoHandler: There is no Handler: add one, such as app\.handler/);
    assert.doesNotMatch(noRuntime.stderr + noHandler.stderr, /bootstrap/);
  });

  test('values Lambda refuses are quoted as written, with their line; a long one is shortened', () => {
    const path = appTemplate(
      'bad-values',
      `  Bad:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: node-src/\n      Runtime: nodejs20.x\n` +
        `      Handler: ${'h'.repeat(140_000)}.handler\n      Timeout: !Ref Wait\n      MemorySize: 64\n      FunctionName: has space\n` +
        `      Environment:\n        Variables:\n          BAD: "nul\\0byte"\n`,
      'Parameters:\n  Wait:\n    Type: String\n    Default: abc\n',
    );
    const result = runCli(['invoke', 'Bad', '--template', path]);
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stderr.split('\n');
    assert.equal(lines[0], 'lambda-workbench: Bad cannot run locally:');
    assert.equal(
      lines[1],
      `${path}:15: Bad: FunctionName "has space" is not a function name: use 1 to 64 letters, digits, hyphens and underscores.`,
    );
    assert.equal(
      lines[2],
      `${path}:12: Bad: Handler "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh...hhh.handler" (140010 characters) is 140008 characters long; Lambda allows at most 128.`,
    );
    assert.equal(lines[3], `${path}:13: Bad: Timeout "abc" is not a whole number of seconds from 1 to 900.`);
    assert.equal(lines[4], `${path}:14: Bad: MemorySize 64 is not a whole number of MB from 128 to 10240.`);
    assert.equal(
      lines[5],
      `${path}:16: Bad: The environment variable BAD holds a NUL character, which no process can be given; remove it.`,
    );
    assert.equal(lines.length, 7);
    assert.equal(lines[6], '');
  });

  test('a cycle in Conditions is named, with its line, not a stack overflow', () => {
    for (const conditions of [
      'Conditions:\n  A: !Condition B\n  B: !And [!Condition A, !Equals [1, 1]]\n',
      'Conditions:\n  A: !Not [!Condition A]\n',
    ]) {
      const path = appTemplate(
        'cycle',
        '  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: node-src/\n      Handler: app.handler\n' +
          '      Runtime: !If [A, nodejs20.x, nodejs22.x]\n',
        conditions,
      );
      const result = runCli(['invoke', 'F', '--template', path]);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^lambda-workbench: \S+:3:1: the condition A depends on itself \(A -> (B -> )?A\), which CloudFormation refuses\. Break the cycle in Conditions\.\n$/,
      );
    }
  });

  test('serve runs what it can, and says why the rest cannot run, to the terminal and to callers', async () => {
    const path = appTemplate(
      'mixed',
      '  Good:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: node-src/\n      Handler: app.handler\n      Runtime: nodejs20.x\n' +
        '  Broken:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: node-src/\n      Handler: app.handler\n      Runtime: nodejs20.x\n      Timeout: 0\n',
    );
    const served = await serve(['--template', path, '--port', '0']);
    try {
      assert.match(
        served.stderr(),
        new RegExp(
          `error: ${path.replaceAll('.', '\\.')}:15: Broken: Timeout 0 is not a whole number of seconds from 1 to 900\\. Until then, its invocations are refused with this message\\.`,
        ),
      );
      assert.match(served.stderr(), /serving 1 function\(s\)/);
      assert.equal((await invokeHttp(served.url, 'Good', {})).status, 200);
      const response = await fetch(`${served.url}/2015-03-31/functions/Broken/invocations`, { method: 'POST', body: '{}' });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
      assert.match(
        ((await response.json()) as { Message: string }).Message,
        /^Broken cannot run locally\. \S+:15: Broken: Timeout 0 /,
      );
    } finally {
      served.child.kill('SIGTERM');
    }
  });

  test('--env-file names each line it skips, without quoting it (it may hold a secret)', () => {
    const envFile = join(scratch, 'skips.env');
    writeFileSync(envFile, 'GOOD=1\nAPI_KEY: s3cr3t-value\n# comment\nexport ALSO=2\n');
    const result = runCli(['invoke', 'NodeFunction', '--template', template, '--env-file', envFile]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `^warning: ${envFile.replaceAll('.', '\\.')}:2: this line is not KEY=value, so it is skipped\\. Write it as NAME=value, or start it with # to make it a comment\\.$`,
        'm',
      ),
    );
    assert.doesNotMatch(result.stderr, /s3cr3t/);
  });

  test('an event file that is not JSON is named, with its line and column', () => {
    const event = join(scratch, 'broken-event.json');
    writeFileSync(event, '{\n  "a": 1,\n  "b": tru\n}\n');
    const result = runCli(['invoke', 'NodeFunction', '--template', template, '--event', event]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`^lambda-workbench: ${event.replaceAll('.', '\\.')}:3:8: the event is not valid JSON: `),
    );
  });
});

const projects = join(root, 'test/fixtures/projects');

/** The CLI run in a project's folder, as a user runs it there. */
function runIn(folder: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: folder, input, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('lambda-workbench reads any project: a template, its nested applications, a serverless.yml, code alone', () => {
  test('project --json: what a serverless.yml (v3, serverless-esbuild) holds, as the editor sees it', () => {
    const result = runIn(join(projects, 'serverless-esbuild'), ['project', '--json', '--stage', 'prod']);
    assert.equal(result.code, 0, result.stderr);
    // `cors: true` on the http event: any origin, the Framework's usual headers.
    const frameworkCors = {
      allowOrigins: ['*'],
      allowMethods: [],
      allowHeaders: [
        'Content-Type',
        'X-Amz-Date',
        'Authorization',
        'X-Api-Key',
        'X-Amz-Security-Token',
        'X-Amz-User-Agent',
        'X-Amzn-Trace-Id',
      ],
      exposeHeaders: [],
      allowCredentials: false,
    };
    const common = {
      source: 'serverless',
      file: 'serverless.yml',
      runtime: 'nodejs20.x',
      architecture: 'arm64',
      codeDir: '.',
      memoryMB: 256,
      environment: ['GREETING', 'STAGE'],
      warnings: [],
      problems: [],
    };
    assert.deepEqual(JSON.parse(result.stdout), {
      project: 'serverless.yml',
      functions: [
        {
          ...common,
          name: 'hello',
          declaredAs: 'hello',
          line: 34,
          handler: 'src/hello.handler',
          timeoutSeconds: 10,
          deployedName: 'greetings-prod-hello',
          triggers: [{ kind: 'route', api: 'http', method: 'GET', path: '/hello/{name}', payloadVersion: '2.0' }],
          layers: ['common-utils', 'arn:aws:lambda:eu-west-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12'],
          handlerCode: 'src/hello.ts:7',
        },
        {
          ...common,
          name: 'goodbye',
          declaredAs: 'goodbye',
          line: 44,
          handler: 'src/goodbye.handler',
          timeoutSeconds: 6,
          deployedName: 'greetings-prod-goodbye',
          triggers: [
            { kind: 'route', api: 'rest', method: 'POST', path: '/goodbye', payloadVersion: '1.0', cors: frameworkCors },
          ],
          layers: [],
          handlerCode: 'src/goodbye.ts:1',
        },
      ],
      // The APIs the Framework creates for the routes, each route with the function it invokes.
      apis: [
        {
          id: 'HttpApi',
          kind: 'http',
          file: 'serverless.yml',
          stageName: '$default',
          authorizers: [],
          binaryMediaTypes: [],
          routes: [{ method: 'GET', path: '/hello/{name}', payloadVersion: '2.0', functionName: 'hello' }],
        },
        {
          id: 'ApiGatewayRestApi',
          kind: 'rest',
          file: 'serverless.yml',
          // The REST API's stage is the service's.
          stageName: 'prod',
          authorizers: [],
          binaryMediaTypes: [],
          routes: [{ method: 'POST', path: '/goodbye', payloadVersion: '1.0', cors: frameworkCors, functionName: 'goodbye' }],
        },
      ],
      layers: [
        {
          name: 'common-utils',
          declaredAs: 'common-utils',
          source: 'serverless',
          file: 'serverless.yml',
          line: 27,
          contentDir: 'layers/common',
          compatibleRuntimes: ['nodejs20.x'],
          compatibleArchitectures: [],
        },
      ],
      problems: [],
      notes: [],
    });
  });

  test('serve in a serverless.yml folder: its TypeScript handler is bundled and answers, with the stage given', async () => {
    const folder = join(projects, 'serverless-esbuild');
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--stage', 'prod'], {
      cwd: folder,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      let url: string | undefined;
      for (let i = 0; i < 400 && url === undefined && child.exitCode === null; i++) {
        url = /serving 2 function\(s\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
        if (url === undefined) await sleep(50);
      }
      assert.ok(url !== undefined, stderr);
      const result = await invokeHttp(url, 'hello', { pathParameters: { name: 'ada' } });
      assert.deepEqual(result.body, { statusCode: 200, body: 'HELLO, ADA (PROD)!' });
      // By its deployed name too, as an SDK pointed at the emulator would call it.
      assert.equal((await invokeHttp(url, 'greetings-prod-goodbye', {})).body['body'], 'bye');
    } finally {
      child.kill('SIGTERM');
    }
  });

  test("start-api in a serverless.yml folder: the HTTP API at the root, the REST API under the stage, an http event's cors answering preflights", async () => {
    const child = spawn(process.execPath, [cli, 'start-api', '--stage', 'prod', '--port', '0'], {
      cwd: join(projects, 'serverless-esbuild'),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      while (!/^start-api ready: 2 API\(s\)$/m.test(stderr)) {
        if (child.exitCode !== null) assert.fail(`start-api exited: ${stderr}`);
        await sleep(25);
      }
      const http = /^HTTP API HttpApi \(stage \$default\): (http:\S+)$/m.exec(stderr)?.[1] ?? '';
      const rest = /^REST API ApiGatewayRestApi \(stage prod\): (http:\S+)$/m.exec(stderr)?.[1] ?? '';
      assert.match(rest, /\/prod$/);
      const hello = await fetch(`${http}/hello/ada`);
      assert.deepEqual([hello.status, await hello.text()], [200, 'HELLO, ADA (PROD)!']);
      const preflight = await fetch(`${rest}/goodbye`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
      });
      assert.deepEqual(
        [
          preflight.status,
          preflight.headers.get('access-control-allow-origin'),
          preflight.headers.get('access-control-allow-methods'),
        ],
        [200, '*', 'OPTIONS,POST'],
      );
      const bye = await fetch(`${rest}/goodbye`, { method: 'POST', body: '{}' });
      assert.deepEqual([bye.status, await bye.text()], [200, 'bye']);
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }
  });

  test("invoke in a parent template's folder reaches the function of the application it nests", () => {
    const result = runIn(join(projects, 'nested-app'), ['invoke', 'OrdersFunction']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { orders: [], function: 'OrdersFunction', event: {} });
  });

  test('invoke in a folder of code alone finds the handler by the name of its file', () => {
    const result = runIn(join(projects, 'code-only'), ['invoke', 'hello', '--event', '-'], '{"name":"grace"}');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { from: 'code', greeting: 'hello grace' });
  });

  test('bundle of a serverless.yml function packages its TypeScript source, not a handler file that is not there', () => {
    const out = join(scratch, 'greetings-hello.zip');
    const result = runIn(join(projects, 'serverless-esbuild'), ['bundle', 'hello', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      readZip(readFileSync(out)).map((entry) => entry.path),
      ['src/hello.js', 'src/hello.js.map'],
    );
    assert.match(result.stderr, /Largest parts of the bundle:\n +\d+ +src\/hello\.ts\n +\d+ +src\/lib\/shout\.ts\n/);
  });
});

describe('lambda-workbench bundle', () => {
  test('bundles a handler and prints the file, size and time', () => {
    const out = join(scratch, 'bundle-out');
    const result = runCli(['bundle', join(app, 'ts-src/handler.ts'), '--out', out, '--runtime', 'nodejs20.x']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${join(out, 'handler.js')}\\t\\d+ bytes\\t\\d+ ms\\n$`));
    assert.match(readFileSync(join(out, 'handler.js'), 'utf8'), /toUpperCase/);
  });

  test("a template's function into a .zip: the deployment package, its size and CodeSha256", () => {
    const out = join(scratch, 'packages', 'ts.zip');
    const result = runCli(['bundle', 'TsFunction', '--template', template, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const zip = readFileSync(out);
    const sha = createHash('sha256').update(zip).digest('base64');
    assert.equal(
      result.stdout,
      `${out}\t${zip.length} bytes\tCodeSha256 ${sha}\t${/\t(\d+) ms\n$/.exec(result.stdout)?.[1] ?? ''} ms\n`,
    );
    assert.match(result.stderr, /Largest parts of the bundle:\n +\d+ +handler\.ts\n/);
    // As `sam build` makes it from its esbuild Metadata: minified, and without a source map, which
    // its BuildProperties do not ask for.
    const entries = readZip(zip);
    assert.deepEqual(
      entries.map((entry) => entry.path),
      ['handler.js'],
    );
    assert.doesNotMatch(entries[0]?.read().toString('utf8') ?? '', /\n {2}/, 'minified: no indented lines');
  });

  test('a handler that does not compile is located; a handler file that does not exist is named', () => {
    const broken = runCli(['bundle', join(root, 'test/fixtures/bundle/broken.ts'), '--out', join(scratch, 'broken.zip')]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /Bundling broken\.ts failed: .*broken\.ts:4:\d+: /);
    const missing = runCli(['bundle', 'src/nope.ts']);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /The handler file src\/nope\.ts does not exist\. Check the path, or name a function of the template instead\./,
    );
  });

  test('a runtime that is not Node.js is a usage error', () => {
    const result = runCli(['bundle', join(app, 'ts-src/handler.ts'), '--runtime', 'python3.12']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--runtime "python3\.12" is not a Node\.js runtime/);
  });

  test('--version and an unknown command', () => {
    assert.match(runCli(['--version']).stdout, /^\d+\.\d+\.\d+\n$/);
    const unknown = runCli(['deploy-everything']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "deploy-everything"/);
  });
});

describe('lambda-workbench with --profile', () => {
  const config = join(scratch, 'aws-config');
  const credentials = join(scratch, 'aws-credentials');
  before(() => {
    writeFileSync(config, '[profile dev]\nregion = eu-west-1\n');
    writeFileSync(credentials, '[dev]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = secret-from-profile\n');
  });
  const withFiles = (args: string[], input?: string) => {
    const result = spawnSync(process.execPath, [cli, ...args], {
      cwd: scratch,
      input,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env['PATH'] ?? '', AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, HOME: scratch },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  test("the functions get the profile's credentials", () => {
    const envTemplate = join(scratch, 'env-template.yaml');
    writeFileSync(
      envTemplate,
      `Resources:\n  Env:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: ${join(root, 'test/fixtures/functions/node')}, Handler: handlers.env, Runtime: nodejs20.x }\n`,
    );
    const result = withFiles(['invoke', 'Env', '--template', envTemplate, '--profile', 'dev']);
    assert.equal(result.code, 0, result.stderr);
    const env = JSON.parse(result.stdout) as Record<string, string>;
    assert.equal(env['AWS_ACCESS_KEY_ID'], 'AKIDFROMPROFILE');
    assert.equal(env['AWS_SECRET_ACCESS_KEY'], 'secret-from-profile');
    assert.doesNotMatch(result.stderr, /secret-from-profile/, 'no secret in the log');
  });

  test('an unknown profile is named, and nothing starts', () => {
    const result = withFiles(['invoke', 'NodeFunction', '--template', template, '--profile', 'nope']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No AWS credentials could be loaded from the profile "nope": .*aws sso login --profile nope/);
  });
});

describe('lambda-workbench events', () => {
  test('list prints every template; --json gives ids, services, titles and parameters', () => {
    const text = runCli(['events', 'list']);
    assert.equal(text.code, 0);
    assert.ok(text.stdout.trim().split('\n').length >= 40);
    assert.match(text.stdout, /^s3-put +Amazon S3: Object created \(PUT\)$/m);
    const json = JSON.parse(runCli(['events', 'list', '--json']).stdout) as {
      id: string;
      service: string;
      parameters: { name: string }[];
    }[];
    assert.ok(json.some((t) => t.id === 'sqs-receive' && t.parameters.some((p) => p.name === 'body')));
  });

  test('generate fills a template from --param values, like sam local generate-event', () => {
    const result = runCli(['events', 'generate', 's3-put', '--param', 'bucket=photos', '--param', 'key=a b.jpg']);
    assert.equal(result.code, 0, result.stderr);
    const event = JSON.parse(result.stdout) as { Records: { s3: { bucket: { name: string }; object: { key: string } } }[] };
    assert.equal(event.Records[0]?.s3.bucket.name, 'photos');
    assert.equal(event.Records[0]?.s3.object.key, 'a+b.jpg');
  });

  test('an unknown template or parameter is named', () => {
    assert.match(runCli(['events', 'generate', 'nope']).stderr, /There is no event template "nope"/);
    const bad = runCli(['events', 'generate', 's3-put', '--param', 'colour=red']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /has no parameter "colour"\. Its parameters: bucket, key, size\./);
  });
});

// `lambda-workbench start-api` over real HTTP: a SAM project's REST API, HTTP API and function URL
// each on its own port, the events the functions get and the responses clients see, as
// ../shared/API-GATEWAY-SPEC.md has them (with the corrections measured against AWS noted there).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const folder = join(root, 'test/fixtures/projects/sam-api');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: Buffer;
}

/** One request with headers exactly as given (repeated names kept), its whole answer. */
function send(url: string, method: string, headers: [string, string][] = [], body?: Buffer | string): Promise<Answer> {
  return new Promise((done, fail) => {
    const target = new URL(url);
    // Given as a list, headers go as they are: the Host a client sends is added unless one is given.
    const all = headers.some(([name]) => name.toLowerCase() === 'host') ? headers : [['Host', target.host], ...headers];
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers: all.flat() },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          done({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

const json = (answer: Answer) => JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;

/** Waits for the server's output to hold a line (access-log lines are written once per turn of its event loop). */
async function waitForLine(output: () => string, line: RegExp): Promise<void> {
  while (!line.test(output())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('start-api on a SAM project: a REST API, an HTTP API and a function URL', () => {
  let child: ChildProcess;
  let stderr = '';
  const urls: Record<string, string> = {};

  before(async () => {
    child = spawn(process.execPath, [cli, 'start-api', '--port', '0'], {
      cwd: folder,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Ready when the last API's line is printed; bounded by the test runner's timeout.
    await new Promise<void>((ready, fail) => {
      const check = () => {
        if (/function URL UrlFunction: http:\/\/127\.0\.0\.1:\d+\n/.test(stderr)) ready();
        else if (child.exitCode !== null) fail(new Error(`start-api exited: ${stderr}`));
        else setTimeout(check, 25);
      };
      check();
    });
    for (const [, kind, id, url] of stderr.matchAll(
      /^(REST API|HTTP API|function URL) (\w+)(?: \(stage [^)]+\))?: (http:\S+)$/gm,
    )) {
      urls[`${kind ?? ''} ${id ?? ''}`] = url ?? '';
    }
  });

  after(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  });

  const http = () => urls['HTTP API ServerlessHttpApi'] ?? '';
  const rest = () => urls['REST API ServerlessRestApi'] ?? '';
  const fnUrl = () => urls['function URL UrlFunction'] ?? '';
  const secureRest = () => urls['REST API SecureApi'] ?? '';
  const secureHttp = () => urls['HTTP API SecureHttpApi'] ?? '';
  const authorizerOf = async (answer: Promise<Answer>) => {
    const got = await answer;
    assert.equal(got.status, 200, got.body.toString());
    return (json(got)['requestContext'] as Record<string, unknown>)['authorizer'];
  };

  test('prints every API with its kind, stage and base URL, and each route with its full URL', () => {
    const printed = stderr
      .slice(stderr.indexOf('REST API SecureApi'))
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
      .split('\n')
      .filter((line) => /^(REST API|HTTP API|function URL| {2}[A-Z]+ http)/.test(line));
    assert.deepEqual(printed, [
      'REST API SecureApi (stage dev): http://127.0.0.1:<port>/dev',
      '  GET http://127.0.0.1:<port>/dev/request -> EchoFunction',
      '  GET http://127.0.0.1:<port>/dev/secure -> EchoFunction',
      'HTTP API SecureHttpApi (stage $default): http://127.0.0.1:<port>',
      '  GET http://127.0.0.1:<port>/secure -> EchoFunction',
      'HTTP API ServerlessHttpApi (stage $default): http://127.0.0.1:<port>',
      '  ANY http://127.0.0.1:<port>/files/{proxy+} -> EchoFunction',
      '  GET http://127.0.0.1:<port>/items -> EchoFunction',
      '  POST http://127.0.0.1:<port>/items -> EchoFunction',
      '  GET http://127.0.0.1:<port>/items/{id} -> EchoFunction',
      '  GET http://127.0.0.1:<port>/legacy -> EchoFunction',
      '  GET http://127.0.0.1:<port>/shapes/{shape} -> ShapesFunction',
      'REST API ServerlessRestApi (stage Prod): http://127.0.0.1:<port>/Prod',
      '  GET http://127.0.0.1:<port>/Prod/items/{id} -> EchoFunction',
      '  GET http://127.0.0.1:<port>/Prod/shapes/{shape} -> ShapesFunction',
      '  POST http://127.0.0.1:<port>/Prod/upload -> EchoFunction',
      '  ANY http://127.0.0.1:<port>/Prod/{proxy+} -> EchoFunction',
      'function URL UrlFunction: http://127.0.0.1:<port>',
      '  ANY http://127.0.0.1:<port>/ -> UrlFunction',
    ]);
  });

  test('HTTP API, payload 2.0: repeated headers and query keys joined by commas, cookies apart, the route key and path parameters', async () => {
    const answer = await send(`${http()}/items/a%20b?tag=x&tag=y&q=one+two`, 'GET', [
      ['X-Multi', 'one'],
      ['X-Multi', 'two'],
      ['Cookie', 'session=abc; theme=dark'],
      ['User-Agent', 'workbench-test'],
    ]);
    assert.equal(answer.status, 200);
    const event = json(answer);
    const context = event['requestContext'] as Record<string, unknown>;
    assert.deepEqual(
      {
        version: event['version'],
        routeKey: event['routeKey'],
        rawPath: event['rawPath'],
        rawQueryString: event['rawQueryString'],
        cookies: event['cookies'],
        multi: (event['headers'] as Record<string, string>)['x-multi'],
        cookieHeader: (event['headers'] as Record<string, string>)['cookie'],
        query: event['queryStringParameters'],
        pathParameters: event['pathParameters'],
        body: event['body'],
        isBase64Encoded: event['isBase64Encoded'],
        stage: context['stage'],
        http: context['http'],
        accountId: context['accountId'],
        timeEpochIsMs: typeof context['timeEpoch'] === 'number' && context['timeEpoch'] > 1e12,
      },
      {
        version: '2.0',
        routeKey: 'GET /items/{id}',
        rawPath: '/items/a%20b',
        rawQueryString: 'tag=x&tag=y&q=one+two',
        cookies: ['session=abc', 'theme=dark'],
        multi: 'one,two',
        cookieHeader: undefined,
        query: { tag: 'x,y', q: 'one two' },
        pathParameters: { id: 'a b' },
        body: undefined,
        isBase64Encoded: false,
        stage: '$default',
        http: { method: 'GET', path: '/items/a%20b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'workbench-test' },
        accountId: '123456789012',
        timeEpochIsMs: true,
      },
    );
    await waitForLine(
      () => stderr,
      /\[ServerlessHttpApi\] GET \/items\/a%20b\?tag=x&tag=y&q=one\+two 200 \d+ ms EchoFunction [0-9a-f-]{36}\n/,
    );
  });

  test('HTTP API: a route that asks for payload 1.0 gets the REST shape with version 1.0; a greedy path parameter takes the rest', async () => {
    const legacy = json(await send(`${http()}/legacy?a=1&a=2`, 'GET'));
    assert.equal(legacy['version'], '1.0');
    assert.equal(legacy['resource'], '/legacy');
    assert.deepEqual(legacy['multiValueQueryStringParameters'], { a: ['1', '2'] });
    const files = json(await send(`${http()}/files/docs/2024/report.pdf`, 'DELETE'));
    assert.equal(files['routeKey'], 'ANY /files/{proxy+}');
    assert.deepEqual(files['pathParameters'], { proxy: 'docs/2024/report.pdf' });
  });

  test('REST API, payload 1.0: under its stage, headers and query keys in both forms, path parameters as sent', async () => {
    const answer = await send(`${rest()}/items/a%20b?tag=x&tag=y`, 'GET', [
      ['X-Multi', 'one'],
      ['X-Multi', 'two'],
    ]);
    assert.equal(answer.status, 200);
    const event = json(answer);
    const context = event['requestContext'] as Record<string, unknown>;
    assert.deepEqual(
      {
        resource: event['resource'],
        path: event['path'],
        httpMethod: event['httpMethod'],
        multi: (event['headers'] as Record<string, string>)['X-Multi'],
        multiValue: (event['multiValueHeaders'] as Record<string, string[]>)['X-Multi'],
        query: event['queryStringParameters'],
        multiQuery: event['multiValueQueryStringParameters'],
        pathParameters: event['pathParameters'],
        stageVariables: event['stageVariables'],
        body: event['body'],
        isBase64Encoded: event['isBase64Encoded'],
        stage: context['stage'],
        resourcePath: context['resourcePath'],
        contextPath: context['path'],
      },
      {
        resource: '/items/{id}',
        path: '/items/a%20b',
        httpMethod: 'GET',
        multi: 'two',
        multiValue: ['one', 'two'],
        query: { tag: 'y' },
        multiQuery: { tag: ['x', 'y'] },
        pathParameters: { id: 'a%20b' },
        stageVariables: null,
        body: null,
        isBase64Encoded: false,
        stage: 'Prod',
        resourcePath: '/items/{id}',
        contextPath: '/Prod/items/a%20b',
      },
    );
    const proxy = json(await send(`${rest()}/anything/deep`, 'PATCH'));
    assert.deepEqual([proxy['resource'], proxy['pathParameters']], ['/{proxy+}', { proxy: 'anything/deep' }]);
  });

  test("the services' own answers: REST's 403 for no route (a resource without the method, another stage), HTTP API's 404", async () => {
    const token = { message: 'Missing Authentication Token' };
    const wrongMethod = await send(`${rest()}/items/1`, 'POST');
    assert.deepEqual([wrongMethod.status, json(wrongMethod)], [403, token]);
    const otherStage = await send(`${rest().replace('/Prod', '/dev')}/items/1`, 'GET');
    assert.deepEqual([otherStage.status, json(otherStage)], [403, token]);
    const missing = await send(`${http()}/nowhere`, 'GET');
    assert.deepEqual([missing.status, json(missing)], [404, { message: 'Not Found' }]);
  });

  test('binary request bodies: base64 for REST when the type is a binary media type, for HTTP APIs when it is not text', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
    const upload = json(await send(`${rest()}/upload`, 'POST', [['Content-Type', 'image/png']], png));
    assert.deepEqual([upload['isBase64Encoded'], upload['body']], [true, png.toString('base64')]);
    const textual = json(await send(`${rest()}/upload`, 'POST', [['Content-Type', 'application/json']], '{"a":1}'));
    assert.deepEqual([textual['isBase64Encoded'], textual['body']], [false, '{"a":1}']);
    const octets = json(await send(`${http()}/items`, 'POST', [['Content-Type', 'application/octet-stream']], png));
    assert.deepEqual([octets['isBase64Encoded'], octets['body']], [true, png.toString('base64')]);
    const form = json(await send(`${http()}/items`, 'POST', [['Content-Type', 'application/x-www-form-urlencoded']], 'a=1'));
    assert.deepEqual([form['isBase64Encoded'], form['body']], [true, Buffer.from('a=1').toString('base64')]);
    const body = json(await send(`${http()}/items`, 'POST', [['Content-Type', 'application/json; charset=utf-8']], '{"b":2}'));
    assert.deepEqual([body['isBase64Encoded'], body['body']], [false, '{"b":2}']);
  });

  test('HTTP API responses: values inferred as JSON, a string as its text; cookies as Set-Cookie; base64 decoded; a failed function 500', async () => {
    const bare = await send(`${http()}/shapes/bare`, 'GET');
    assert.deepEqual([bare.status, bare.headers['content-type'], bare.body.toString()], [200, 'application/json', 'hello']);
    const object = await send(`${http()}/shapes/object`, 'GET');
    assert.deepEqual([object.status, object.body.toString()], [200, '{"items":[1,2]}']);
    const cookies = await send(`${http()}/shapes/cookies`, 'GET');
    assert.deepEqual(
      [cookies.status, cookies.headers['set-cookie'], cookies.body.toString()],
      [201, ['a=1; Path=/', 'b=2; HttpOnly'], 'with cookies'],
    );
    const png = await send(`${http()}/shapes/png`, 'GET');
    assert.deepEqual([...png.body], [0x89, 0x50, 0x4e, 0x47]);
    const teapot = await send(`${http()}/shapes/status-text`, 'GET');
    assert.deepEqual([teapot.status, teapot.body.toString()], [418, 'teapot']);
    const framed = await send(`${http()}/shapes/framed`, 'GET');
    assert.deepEqual([framed.status, framed.headers['content-length'], framed.body.toString()], [200, '5', 'short']);
    const failed = await send(`${http()}/shapes/error`, 'GET');
    assert.deepEqual([failed.status, json(failed)], [500, { message: 'Internal Server Error' }]);
    await waitForLine(
      () => stderr,
      /\[ServerlessHttpApi\] GET \/shapes\/error 500 \d+ ms ShapesFunction \S+ \(The function failed: TypeError: the shape is broken\)\n/,
    );
  });

  test('REST API responses: multiValueHeaders over headers, base64 decoded for an Accept of a binary type, anything malformed 502', async () => {
    const multi = await send(`${rest()}/shapes/multi`, 'GET');
    assert.deepEqual(
      [multi.status, multi.headers['x-one'], multi.headers['x-many'], multi.body.toString()],
      [200, 'single', 'a, b', 'multi'],
    );
    const binary = await send(`${rest()}/shapes/png`, 'GET', [['Accept', 'image/png']]);
    assert.deepEqual([...binary.body], [0x89, 0x50, 0x4e, 0x47]);
    const asText = await send(`${rest()}/shapes/png`, 'GET', [['Accept', 'application/json']]);
    assert.equal(asText.body.toString(), Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'));
    const teapot = await send(`${rest()}/shapes/status-text`, 'GET');
    assert.equal(teapot.status, 418);
    const casing = await send(`${rest()}/shapes/casing`, 'GET');
    assert.deepEqual(
      casing.rawHeaders.filter((_, i) => i % 2 === 0 && casing.rawHeaders[i]?.toLowerCase() === 'content-type').length,
      1,
      'one Content-Type: multiValueHeaders win whatever the case of the name',
    );
    assert.equal(casing.headers['content-type'], 'text/html');
    for (const shape of ['bare', 'malformed', 'error']) {
      const answer = await send(`${rest()}/shapes/${shape}`, 'GET');
      assert.deepEqual([shape, answer.status, json(answer)], [shape, 502, { message: 'Internal server error' }]);
    }
    await waitForLine(
      () => stderr,
      /\[ServerlessRestApi\] GET \/Prod\/shapes\/malformed 502 \d+ ms ShapesFunction \S+ \(Malformed Lambda proxy response: it has keys API Gateway does not accept \(unexpected\)/,
    );
  });

  test("CORS: HTTP API preflights answered by the service, its headers on responses in place of the function's; REST's OPTIONS method", async () => {
    const preflight = await send(`${http()}/items`, 'OPTIONS', [
      ['Origin', 'http://localhost:5173'],
      ['Access-Control-Request-Method', 'POST'],
    ]);
    assert.equal(preflight.status, 204);
    assert.deepEqual(
      Object.fromEntries(Object.entries(preflight.headers).filter(([name]) => name.startsWith('access-control-'))),
      {
        'access-control-allow-origin': 'http://localhost:5173',
        'access-control-allow-methods': 'GET,POST',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
      },
    );
    const stranger = await send(`${http()}/items`, 'OPTIONS', [
      ['Origin', 'https://elsewhere.example'],
      ['Access-Control-Request-Method', 'GET'],
    ]);
    assert.deepEqual(
      [stranger.status, Object.keys(stranger.headers).filter((name) => name.startsWith('access-control-'))],
      [204, []],
    );
    const allowed = await send(`${http()}/items`, 'GET', [['Origin', 'http://localhost:5173']]);
    assert.deepEqual(
      [allowed.headers['access-control-allow-origin'], allowed.headers['access-control-expose-headers']],
      ['http://localhost:5173', 'x-request-count'],
    );
    const other = await send(`${http()}/items`, 'GET', [['Origin', 'https://elsewhere.example']]);
    assert.equal(other.headers['access-control-allow-origin'], undefined, "the function's own header is dropped too");
    const restPreflight = await send(`${rest()}/items/1`, 'OPTIONS', [
      ['Origin', 'https://any.example'],
      ['Access-Control-Request-Method', 'GET'],
    ]);
    assert.deepEqual(
      [
        restPreflight.status,
        restPreflight.headers['access-control-allow-origin'],
        restPreflight.headers['access-control-allow-methods'],
      ],
      [200, '*', 'GET,OPTIONS'],
    );
  });

  test('a REST TOKEN authorizer: no token 401 without a call, an allowing policy passes principalId and context (cached per token), a deny 403, "Unauthorized" 401', async () => {
    const missing = await send(`${secureRest()}/secure`, 'GET');
    assert.deepEqual([missing.status, json(missing)], [401, { message: 'Unauthorized' }]);
    const first = await authorizerOf(send(`${secureRest()}/secure`, 'GET', [['Authorization', 'token-a']]));
    assert.deepEqual(first, { principalId: 'user-1', tier: 'gold', calls: 1, integrationLatency: 0 });
    // The same token within the TTL: the policy is reused, the authorizer not called again.
    const again = await authorizerOf(send(`${secureRest()}/secure`, 'GET', [['Authorization', 'token-a']]));
    assert.deepEqual(again, first);
    const other = await authorizerOf(send(`${secureRest()}/secure`, 'GET', [['Authorization', 'token-b']]));
    assert.deepEqual(other, { principalId: 'user-1', tier: 'gold', calls: 2, integrationLatency: 0 });
    const denied = await send(`${secureRest()}/secure`, 'GET', [['Authorization', 'deny']]);
    assert.deepEqual(
      [denied.status, json(denied)],
      [403, { Message: 'User is not authorized to access this resource with an explicit deny' }],
    );
    const unauthorized = await send(`${secureRest()}/secure`, 'GET', [['Authorization', 'fail']]);
    assert.deepEqual([unauthorized.status, json(unauthorized)], [401, { message: 'Unauthorized' }]);
  });

  test('a REST REQUEST authorizer reads its header and query identity sources; one missing is 401', async () => {
    const allowed = await authorizerOf(send(`${secureRest()}/request?user=bob`, 'GET', [['X-Key', 'k1']]));
    assert.deepEqual(allowed, { principalId: 'bob', via: 'request', integrationLatency: 0 });
    const noQuery = await send(`${secureRest()}/request`, 'GET', [['X-Key', 'k1']]);
    assert.equal(noQuery.status, 401);
    const wrongKey = await send(`${secureRest()}/request?user=eve`, 'GET', [['X-Key', 'k2']]);
    assert.equal(wrongKey.status, 403);
  });

  test('an HTTP API Lambda authorizer with simple responses: its context under requestContext.authorizer.lambda, false 403', async () => {
    const allowed = await authorizerOf(send(`${secureHttp()}/secure`, 'GET', [['Authorization', 'let-me-in']]));
    assert.deepEqual(allowed, { lambda: { user: 'ada' } });
    const refused = await send(`${secureHttp()}/secure`, 'GET', [['Authorization', 'nope']]);
    assert.deepEqual([refused.status, json(refused)], [403, { message: 'Forbidden' }]);
    const missing = await send(`${secureHttp()}/secure`, 'GET');
    assert.deepEqual([missing.status, json(missing)], [401, { message: 'Unauthorized' }]);
  });

  test('the function URL: every path and method to its function, payload 2.0 with $default, a failed function 502 in plain text', async () => {
    const event = json(await send(`${fnUrl()}/any/path?x=1`, 'PUT', [['Content-Type', 'text/plain']], 'hi'));
    const context = event['requestContext'] as Record<string, unknown>;
    assert.deepEqual(
      [event['routeKey'], event['rawPath'], event['body'], context['stage'], context['accountId']],
      ['$default', '/any/path', 'hi', '$default', 'anonymous'],
    );
    const preflight = await send(`${fnUrl()}/any/path`, 'OPTIONS', [
      ['Origin', 'https://app.example'],
      ['Access-Control-Request-Method', 'PUT'],
    ]);
    assert.deepEqual(
      [preflight.status, preflight.headers['access-control-allow-origin']],
      [204, '*'],
      'answered by the URL itself',
    );
    const failed = await send(`${fnUrl()}/fail`, 'GET');
    assert.deepEqual([failed.status, failed.body.toString()], [502, 'Internal Server Error']);
  });

  test("a body over 10 MB is 413 after it is read, in each service's words; a Host that is not loopback is refused", async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61);
    const httpBig = await send(`${http()}/items`, 'POST', [['Content-Type', 'text/plain']], big);
    assert.deepEqual([httpBig.status, json(httpBig)], [413, { message: 'Request Entity Too Large' }]);
    const restBig = await send(`${rest()}/upload`, 'POST', [['Content-Type', 'text/plain']], big);
    assert.deepEqual([restBig.status, restBig.body.toString()], [413, 'HTTP content length exceeded 10485760 bytes.']);
    const rebound = await send(`${http()}/items`, 'GET', [['Host', 'attacker.example']]);
    assert.equal(rebound.status, 403);
    assert.match(json(rebound)['message'] as string, /Requests for the host "attacker\.example" are refused/);
  });
});

describe('start-api follows the template', () => {
  test('an edit reloads the routes and says what changed; a template that no longer parses keeps the routes before it', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'lwb-start-api-reload-'));
    cpSync(folder, copy, { recursive: true });
    const child = spawn(process.execPath, [cli, 'start-api', '--port', '0'], {
      cwd: copy,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await waitForLine(() => stderr, /^function URL UrlFunction: http:\S+$/m);
      const base = /^HTTP API ServerlessHttpApi \(stage \$default\): (http:\S+)$/m.exec(stderr)?.[1] ?? '';
      const template = join(copy, 'template.yaml');
      writeFileSync(template, readFileSync(template, 'utf8').replace('Path: /legacy,', 'Path: /legacy-v2,'));
      await waitForLine(
        () => stderr,
        /^\[reload\] template\.yaml changed: ServerlessHttpApi: \+ GET \/legacy-v2, - GET \/legacy; serving 4 function\(s\)\.$/m,
      );
      assert.equal((await send(`${base}/legacy-v2`, 'GET')).status, 200);
      assert.equal((await send(`${base}/legacy`, 'GET')).status, 404);
      writeFileSync(template, `${readFileSync(template, 'utf8')}\n  Broken: [\n`);
      await waitForLine(() => stderr, /^\[reload\] failed, so the routes before it are served: .*template\.yaml.*$/m);
      assert.equal((await send(`${base}/legacy-v2`, 'GET')).status, 200);
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

// The Node.js runtime: handler resolution, error types, callback semantics, console format,
// uncaught errors and exits, as LAMBDA-SPEC.md describes Lambda's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FUNCTIONS, fn, node, startEmulator, type Harness } from './emulator-harness';

type LambdaError = { errorType: string; errorMessage: string; trace?: string[] };

describe('Node.js runtime', () => {
  let h: Harness;
  const names: Record<string, [string, string]> = {
    esm: ['esm', 'handler.handler'],
    esmPackage: ['esm-package', 'app.handler'],
    cjs: ['cjs', 'app.handler'],
    nested: ['nested', 'lib/sub/mod.group.handler'],
    syntax: ['broken', 'syntax.handler'],
    initError: ['init-error', 'throws.handler'],
  };
  before(async () => {
    h = await startEmulator([
      ...Object.entries(names).map(([name, [dir, handler]]) => fn(name, 'nodejs20.x', `${FUNCTIONS}/node/${dir}`, handler)),
      node('malformed', 'handlers'),
      node('dotdot', '../node/handlers.echo'),
      node('missingModule', 'nothere.handler'),
      node('missingExport', 'handlers.nope'),
      node('notAFunction', 'handlers.notAFunction'),
      node('nestedProperty', 'handlers.nested.deeper.fn'),
      node('throwsCustom', 'handlers.throwsCustom'),
      node('throwsString', 'handlers.throwsString'),
      node('syncThrows', 'handlers.syncThrows'),
      node('unserializable', 'handlers.unserializable'),
      node('callbackWaits', 'handlers.callbackWaits'),
      node('callbackNoWait', 'handlers.callbackNoWait'),
      node('timerCount', 'handlers.timerCount'),
      node('callbackError', 'handlers.callbackError'),
      node('callbackTwice', 'handlers.callbackTwice'),
      node('contextSucceed', 'handlers.contextSucceed'),
      node('neverSettles', 'handlers.neverSettles'),
      node('uncaught', 'handlers.uncaught'),
      node('unhandledRejection', 'handlers.unhandledRejection'),
      node('counterAfterCrash', 'handlers.counter'),
      node('logs', 'handlers.logs'),
      node('jsonLogs', 'handlers.logs', { environment: { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'WARN' } }),
    ]);
  });
  after(() => h.stop());

  describe('loads handlers as Lambda does', () => {
    test('an .mjs module is imported as ESM', async () => {
      assert.deepEqual((await h.invoke('esm', { a: 1 })).json(), { format: 'esm', event: { a: 1 } });
    });

    test('a .js module under "type": "module" is imported as ESM', async () => {
      assert.deepEqual((await h.invoke('esmPackage')).json(), { format: 'esm via package.json', meta: 'string' });
    });

    test('a .cjs module is required', async () => {
      assert.deepEqual((await h.invoke('cjs')).json(), { format: 'cjs' });
    });

    test('a path and nested properties in the handler string', async () => {
      assert.equal((await h.invoke('nested')).json(), 'found by path and property');
      assert.equal((await h.invoke('nestedProperty')).json(), 'nested ok');
    });
  });

  describe("reports init errors with Lambda's error types", () => {
    const cases: [string, string, RegExp][] = [
      ['malformed', 'Runtime.MalformedHandlerName', /^Bad handler$/],
      ['dotdot', 'Runtime.MalformedHandlerName', /is not a valid handler name/],
      ['missingModule', 'Runtime.ImportModuleError', /^Error: Cannot find module 'nothere'/],
      ['missingExport', 'Runtime.HandlerNotFound', /^handlers\.nope is undefined or not exported$/],
      ['notAFunction', 'Runtime.HandlerNotFound', /^handlers\.notAFunction is not a function$/],
      ['syntax', 'Runtime.UserCodeSyntaxError', /^SyntaxError: /],
      ['initError', 'Error', /^init failed on purpose$/],
    ];
    for (const [name, errorType, message] of cases) {
      test(`${name}: ${errorType}`, async () => {
        const result = await h.invoke(name, {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
        assert.equal(result.status, 200);
        assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
        const error = result.json<LambdaError>();
        assert.equal(error.errorType, errorType);
        assert.match(error.errorMessage, message);
        assert.match(
          result.log,
          new RegExp(
            `INIT_REPORT Init Duration: [\\d.]+ ms\\tPhase: init\\tStatus: error\\tError Type: ${errorType.replace('.', '\\.')}`,
          ),
        );
        assert.match(result.log, /REPORT RequestId: .*Init Duration: [\d.]+ ms\tStatus: error\t$/m);
      });
    }

    test("init output is part of the first invocation's log", async () => {
      const result = await h.invoke('initError', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
      assert.match(result.log, /\tundefined\tINFO\tinitializing\n/, 'during init the request id prints as undefined');
      assert.match(
        result.log,
        /\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Error","errorMessage":"init failed on purpose"/,
      );
    });
  });

  describe('reports handler errors', () => {
    test('a custom error class keeps its name as errorType', async () => {
      const error = (await h.invoke('throwsCustom')).json<LambdaError>();
      assert.equal(error.errorType, 'ValidationError');
      assert.equal(error.errorMessage, 'bad input');
    });

    test('a thrown string is reported with its type', async () => {
      assert.deepEqual((await h.invoke('throwsString')).json(), { errorType: 'string', errorMessage: 'plain string', trace: [] });
    });

    test('a synchronous throw fails the invocation, and the error is logged as "Invoke Error"', async () => {
      const result = await h.invoke('syncThrows', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
      assert.equal(result.json<LambdaError>().errorType, 'TypeError');
      assert.match(
        result.log,
        /\tERROR\tInvoke Error \t\{"errorType":"TypeError","errorMessage":"sync boom","stack":\["TypeError: sync boom",/,
      );
    });

    test('a result that cannot be serialized fails the invocation', async () => {
      assert.deepEqual(
        (({ errorType, errorMessage }) => ({ errorType, errorMessage }))((await h.invoke('unserializable')).json<LambdaError>()),
        { errorType: 'Error', errorMessage: 'Unable to stringify response body' },
      );
    });
  });

  describe('callback semantics', () => {
    test('callback(null, result) waits for the event loop to empty', async () => {
      const started = performance.now();
      const result = await h.invoke('callbackWaits');
      assert.ok(performance.now() - started >= 290, 'waited for the 300 ms timer');
      assert.equal(result.status, 200);
    });

    test('with callbackWaitsForEmptyEventLoop = false the answer is immediate', async () => {
      const started = performance.now();
      const result = await h.invoke('callbackNoWait');
      assert.ok(performance.now() - started < 250);
      assert.equal(result.status, 200);
    });

    test('callback(error) answers with the error at once', async () => {
      const error = (await h.invoke('callbackError')).json<LambdaError>();
      assert.equal(error.errorMessage, 'callback boom');
    });

    test('only the first completion counts', async () => {
      assert.equal((await h.invoke('callbackTwice')).json(), 'first');
    });

    test('the legacy context.succeed answers', async () => {
      assert.equal((await h.invoke('contextSucceed')).json(), 'succeeded');
    });

    test('a promise that never settles ends with a null response when the event loop empties', async () => {
      const result = await h.invoke('neverSettles');
      assert.equal(result.status, 200);
      assert.equal(result.headers.get('x-amz-function-error'), null);
      assert.equal(result.text, 'null');
    });
  });

  describe('uncaught errors', () => {
    test('an uncaught exception is logged, reported, and the next invocation starts a fresh environment', async () => {
      const result = await h.invoke('uncaught', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
      assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
      assert.equal(result.json<LambdaError>().errorMessage, 'thrown from a timer');
      assert.match(result.log, /\tERROR\tUncaught Exception \t\{"errorType":"Error","errorMessage":"thrown from a timer"/);
      const again = await h.invoke('uncaught', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
      assert.match(again.log, /Init Duration: /, 'a cold start');
    });

    test('an unhandled rejection is Runtime.UnhandledPromiseRejection', async () => {
      const error = (await h.invoke('unhandledRejection')).json<LambdaError>();
      assert.equal(error.errorType, 'Runtime.UnhandledPromiseRejection');
      assert.equal(error.errorMessage, 'Error: nobody catches me');
    });
  });

  describe('console', () => {
    test("console methods write Lambda's text format with levels", async () => {
      const result = await h.invoke('logs', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
      const id = result.headers.get('x-amzn-requestid') ?? '';
      const iso = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
      const expected: [string, string][] = [
        ['INFO', 'info line { a: 1 }'],
        ['WARN', 'warn line'],
        ['ERROR', 'error line'],
        ['DEBUG', 'debug line'],
      ];
      for (const [level, text] of expected) {
        assert.match(result.log, new RegExp(`^${iso}\\t${id}\\t${level}\\t${text.replace(/[{}]/g, '\\$&')}$`, 'm'));
      }
    });

    test('JSON log format follows AWS_LAMBDA_LOG_FORMAT and filters by AWS_LAMBDA_LOG_LEVEL', async () => {
      const result = await h.invoke('jsonLogs', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
      const records = result.log
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: string; message: string; requestId: string; timestamp: string });
      assert.deepEqual(
        records.map((r) => [r.level, r.message]),
        [
          ['WARN', 'warn line'],
          ['ERROR', 'error line'],
        ],
      );
      assert.equal(records[0]?.requestId, result.headers.get('x-amzn-requestid'));
    });
  });
});

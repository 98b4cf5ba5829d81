// The Python runtime: handler import, context, logging format, error types and tracebacks.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FUNCTIONS, python, startEmulator, type Harness } from './emulator-harness';

type PythonError = { errorType: string; errorMessage: string; requestId: string; stackTrace: string[] };
const tail = { headers: { 'X-Amz-Log-Type': 'Tail' } };

describe('Python runtime', () => {
  let h: Harness;
  before(async () => {
    h = await startEmulator([
      python('echo', 'handlers.echo'),
      python('counter', 'handlers.counter'),
      python('context', 'handlers.context_fields', { timeoutSeconds: 5, memoryMB: 512 }),
      python('env', 'handlers.env'),
      python('raises', 'handlers.raises'),
      python('none', 'handlers.returns_none'),
      python('decimal', 'handlers.returns_decimal'),
      python('unserializable', 'handlers.unserializable'),
      python('logs', 'handlers.logs'),
      python('exits', 'handlers.exits'),
      python('package', 'pkg/mod.handler'),
      python('dotted', 'pkg.mod.handler'),
      python('malformed', 'handlers'),
      python('missingModule', 'nothere.handler'),
      python('missingFunction', 'handlers.nope'),
      python('syntax', 'syntax_error.handler'),
      python('initError', 'init_error.handler'),
      python('builtin', 'sys.handler'),
    ]);
  });
  after(() => h.stop());

  test("returns the handler's value as JSON and keeps module state warm", async () => {
    assert.deepEqual((await h.invoke('echo', { a: [1, 'x'] })).json(), { a: [1, 'x'] });
    const first = (await h.invoke('counter')).json<{ invocations: number; pid: number }>();
    const second = (await h.invoke('counter')).json<{ invocations: number; pid: number }>();
    assert.deepEqual([first.invocations, second.invocations], [1, 2]);
    assert.equal(first.pid, second.pid);
  });

  test('None is null, Decimal is a JSON number', async () => {
    assert.equal((await h.invoke('none')).text, 'null');
    assert.deepEqual((await h.invoke('decimal')).json(), { price: 19.99, count: 3 });
  });

  test("the context object has Lambda's fields", async () => {
    const custom = { custom: { tenant: 'acme' } };
    const result = await h.invoke(
      'context',
      {},
      { headers: { 'X-Amz-Client-Context': Buffer.from(JSON.stringify(custom)).toString('base64') } },
    );
    const context = result.json<Record<string, unknown>>();
    assert.equal(context['aws_request_id'], result.headers.get('x-amzn-requestid'));
    assert.equal(context['function_name'], 'context');
    assert.equal(context['function_version'], '$LATEST');
    assert.equal(context['memory_limit_in_mb'], '512');
    assert.equal(context['log_group_name'], '/aws/lambda/context');
    assert.equal(context['invoked_function_arn'], 'arn:aws:lambda:us-east-1:123456789012:function:context');
    assert.ok(Number(context['remaining_ms']) > 4000 && Number(context['remaining_ms']) <= 5000);
    assert.deepEqual(context['client_context_custom'], { tenant: 'acme' });
    assert.equal(context['identity_id'], null);
    assert.match(String(context['trace_id']), /^Root=1-/);
    assert.equal(context['cwd'], join(FUNCTIONS, 'python'));
  });

  test("the environment is Lambda's for the runtime", async () => {
    const env = (await h.invoke('env')).json<Record<string, string>>();
    assert.equal(env['AWS_EXECUTION_ENV'], 'AWS_Lambda_python3.11');
    assert.equal(env['_HANDLER'], 'handlers.env');
    assert.equal(env['NODE_PATH'], undefined);
  });

  test("print is written as is; logging uses Lambda's format; a multi-line message is one record", async () => {
    const result = await h.invoke('logs', {}, tail);
    const id = result.headers.get('x-amzn-requestid') ?? '';
    const time = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
    assert.match(result.log, /^printed line$/m);
    assert.match(result.log, new RegExp(`^\\[INFO\\]\\t${time}\\t${id}\\tinfo line 1$`, 'm'));
    assert.match(result.log, new RegExp(`^\\[WARNING\\]\\t${time}\\t${id}\\twarning line$`, 'm'));
    assert.match(result.log, new RegExp(`^\\[ERROR\\]\\t${time}\\t${id}\\tmulti\\nline$`, 'm'));
  });

  test('an exception is reported with its type, message, request id and stack trace, and logged', async () => {
    const result = await h.invoke('raises', {}, tail);
    assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
    const error = result.json<PythonError>();
    assert.equal(error.errorType, 'ValueError');
    assert.equal(error.errorMessage, 'boom');
    assert.equal(error.requestId, result.headers.get('x-amzn-requestid'));
    assert.match(error.stackTrace[0] ?? '', /handlers\.py", line \d+, in raises/);
    assert.match(
      result.log,
      /^\[ERROR\] ValueError: boom\nTraceback \(most recent call last\):\n\u00a0\u00a0File ".*handlers\.py"/m,
    );
  });

  test('a value that is not JSON-serializable is Runtime.MarshalError', async () => {
    const error = (await h.invoke('unserializable')).json<PythonError>();
    assert.equal(error.errorType, 'Runtime.MarshalError');
    assert.match(error.errorMessage, /^Unable to marshal response: Object of type object is not JSON serializable$/);
  });

  test('handlers in packages, by path or by dots', async () => {
    assert.equal((await h.invoke('package')).json(), 'found in a package');
    assert.equal((await h.invoke('dotted')).json(), 'found in a package');
  });

  const initErrors: [string, string, RegExp][] = [
    ['malformed', 'Runtime.MalformedHandlerName', /^Bad handler 'handlers': not enough values to unpack \(expected 2, got 1\)$/],
    ['missingModule', 'Runtime.ImportModuleError', /^Unable to import module 'nothere': No module named 'nothere'$/],
    ['missingFunction', 'Runtime.HandlerNotFound', /^Handler 'nope' missing on module 'handlers'$/],
    ['syntax', 'Runtime.UserCodeSyntaxError', /^Syntax error in module 'syntax_error': /],
    ['initError', 'RuntimeError', /^init failed on purpose$/],
    ['builtin', 'Runtime.BuiltInModuleConflict', /^Cannot use built-in module sys as a handler module$/],
  ];
  for (const [name, errorType, message] of initErrors) {
    test(`init error ${name}: ${errorType}`, async () => {
      const result = await h.invoke(name, {}, tail);
      assert.equal(result.headers.get('x-amz-function-error'), 'Unhandled');
      const error = result.json<PythonError>();
      assert.equal(error.errorType, errorType);
      assert.match(error.errorMessage, message);
      assert.match(result.log, new RegExp(`^\\[ERROR\\] ${errorType.replace('.', '\\.')}: `, 'm'));
    });
  }

  test('a process exit is Runtime.ExitError, and the next invocation recovers', async () => {
    const result = await h.invoke('exits', { code: 7 });
    assert.match(result.json<PythonError>().errorMessage, /Runtime exited with error: exit status 7$/);
    assert.equal((await h.invoke('echo', { ok: true })).status, 200);
  });
});

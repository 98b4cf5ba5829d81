// @ts-check
// Lambda Workbench's Node.js runtime: a Runtime API client that loads a handler the way the
// Lambda Node.js runtime does and runs it in a loop, one event at a time. It runs as the
// environment's process, with LAMBDA_TASK_ROOT as its working directory.
//
// It also serves as the entry of a V8 startup snapshot (see ../../node-snapshots.ts): so that the
// snapshot is valid for any function, nothing at module level reads the environment, and user
// code is loaded through createRequire, which works in a snapshot's main function.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const util = require('node:util');
const url = require('node:url');

const API_BASE = '/2018-06-01/runtime';
/** Where the Runtime API is, from AWS_LAMBDA_RUNTIME_API; set when the runtime starts. */
const runtimeApi = { address: '', host: '127.0.0.1', port: 9001 };
/** @type {import('node:http') | undefined} */
let httpModule;
/** @type {import('node:http').Agent | undefined} */
let streamingAgent;

/** Node's HTTP client, loaded only for streamed responses, which go out on their own connection: it costs start-up time. */
function streamingClient() {
  httpModule ??= require('node:http');
  streamingAgent ??= new httpModule.Agent({ keepAlive: true, maxSockets: 1 });
  return { http: httpModule, agent: streamingAgent };
}

// ---- errors -------------------------------------------------------------------------------

/** Errors the runtime itself raises, named as Lambda names them. */
function runtimeError(/** @type {string} */ name, /** @type {string} */ message) {
  const error = new Error(message);
  error.name = `Runtime.${name}`;
  return error;
}

function isErrorLike(/** @type {any} */ value) {
  return (
    util.types.isNativeError(value) ||
    (value && typeof value.name === 'string' && typeof value.message === 'string' && typeof value.stack === 'string')
  );
}

/** The body Lambda's Node.js runtime posts for an error: errorType, errorMessage, trace. */
function errorBody(/** @type {any} */ error) {
  try {
    if (isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: String(error.stack).split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** How an error is written to the log after "Invoke Error" and the like: a tab, then JSON. */
function formatErrorForLog(/** @type {any} */ error) {
  const value = isErrorLike(error) ? error : new Error(String(error));
  try {
    return (
      '\t' +
      JSON.stringify(value, (_key, v) => {
        if (!(v instanceof Error)) return v;
        /** @type {Record<string, unknown>} */
        const out = { errorType: v.name, errorMessage: v.message, code: /** @type {any} */ (v).code, ...v };
        if (typeof v.stack === 'string') out['stack'] = v.stack.split('\n');
        return out;
      })
    );
  } catch {
    return '\t' + util.format(value);
  }
}

// ---- logging ------------------------------------------------------------------------------

const LEVELS = /** @type {const} */ ({ TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 });
/** The log format and level, from AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL; set when the runtime starts. */
const logging = { json: false, minimum: 1 };

function configureLogging() {
  logging.json = (process.env['AWS_LAMBDA_LOG_FORMAT'] ?? '').toUpperCase() === 'JSON';
  logging.minimum =
    LEVELS[/** @type {keyof typeof LEVELS} */ ((process.env['AWS_LAMBDA_LOG_LEVEL'] ?? '').toUpperCase())] ?? LEVELS.TRACE;
}

/** @type {string | undefined} */
let currentRequestId;

function writeRecord(/** @type {keyof typeof LEVELS} */ level, /** @type {unknown[]} */ params) {
  const time = new Date().toISOString();
  let line;
  if (logging.json) {
    /** @type {Record<string, unknown>} */
    const record = { timestamp: time, level, requestId: currentRequestId };
    if (params.length === 1) {
      record['message'] = params[0] instanceof Error ? errorForJson(params[0]) : params[0];
      try {
        line = JSON.stringify(record);
      } catch {
        record['message'] = util.format(params[0]);
        line = JSON.stringify(record);
      }
    } else {
      record['message'] = util.format(...params);
      const error = params.find((p) => p instanceof Error);
      if (error instanceof Error) Object.assign(record, errorForJson(error));
      line = JSON.stringify(record);
    }
  } else {
    line = `${time}\t${currentRequestId}\t${level}\t${util.format(...params)}`;
  }
  // One console call is one log record: newlines travel as carriage returns.
  writeOutput(line.replace(/\n/g, '\r') + '\n');
}

/**
 * Writes to standard output synchronously, as Lambda's Node.js runtime writes its records: the
 * record is out before the handler goes on, so every line is in the log before the answer.
 */
function writeOutput(/** @type {string} */ text) {
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += fs.writeSync(1, bytes, offset);
    } catch (error) {
      // A full non-blocking pipe: try again. Anything else (no reader left): the record has nowhere to go.
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EAGAIN') return;
    }
  }
}

function errorForJson(/** @type {Error} */ error) {
  return {
    errorType: error.constructor?.name ?? 'UnknownError',
    errorMessage: error.message,
    stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
  };
}

function patchConsole() {
  const console_ = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (console));
  const method = (/** @type {keyof typeof LEVELS} */ level) =>
    LEVELS[level] >= logging.minimum ? (/** @type {unknown[]} */ ...params) => writeRecord(level, params) : () => {};
  console_['trace'] = method('TRACE');
  console_['debug'] = method('DEBUG');
  console_['info'] = method('INFO');
  console_['log'] = console_['info'];
  console_['warn'] = method('WARN');
  console_['error'] = method('ERROR');
  console_['fatal'] = method('FATAL');
}

function logError(/** @type {string} */ title, /** @type {unknown} */ error) {
  if (logging.json) console.error(isErrorLike(error) ? error : new Error(String(error)));
  else console.error(title, formatErrorForLog(error));
}

// ---- Runtime API ----------------------------------------------------------------------------

/**
 * A kept-alive HTTP/1.1 connection to the Runtime API. Requests are written as soon as they are
 * made and answered in order, so the runtime can post a response and ask for the next event in
 * one write. The socket is unreferenced while nothing is pending, so it never keeps the event
 * loop alive; that is what lets "wait for the empty event loop" work.
 */
class RuntimeApiConnection {
  constructor(/** @type {string} */ host, /** @type {number} */ port) {
    this.host = host;
    this.port = port;
    /** @type {net.Socket | undefined} */
    this.socket = undefined;
    /** @type {{ resolve: (r: ApiResponse) => void, reject: (e: Error) => void }[]} */
    this.pending = [];
    /** @type {Buffer} */
    this.buffer = Buffer.alloc(0);
  }

  connect() {
    const socket = net.connect(this.port, this.host);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.buffer = Buffer.alloc(0);
      for (const waiter of this.pending.splice(0)) waiter.reject(new RuntimeApiGone('The Runtime API closed the connection.'));
    });
    socket.on('error', () => {});
    this.socket = socket;
    return socket;
  }

  /**
   * @param {{ method: string, path: string, body?: string, headers?: Record<string, string> }[]} requests
   * @returns {Promise<ApiResponse>[]}
   */
  send(requests) {
    const socket = this.socket ?? this.connect();
    socket.ref();
    let text = '';
    const responses = requests.map(({ method, path: apiPath, body = '', headers = {} }) => {
      text += `${method} ${API_BASE}${apiPath} HTTP/1.1\r\nHost: ${runtimeApi.address}\r\n`;
      for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
      text += `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      return /** @type {Promise<ApiResponse>} */ (new Promise((resolve, reject) => this.pending.push({ resolve, reject })));
    });
    socket.write(text);
    return responses;
  }

  onData(/** @type {Buffer} */ chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number((head[0] ?? '').split(' ')[1]);
      /** @type {Record<string, string>} */
      const headers = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.pending.shift()?.resolve({ status, headers, body });
      if (this.pending.length === 0) this.socket?.unref();
    }
  }
}

/** @typedef {{ status: number, headers: Record<string, string>, body: string }} ApiResponse */

/** The Runtime API is gone (the emulator ended): there is no one to report to, so the runtime ends. */
class RuntimeApiGone extends Error {}

/** The connection to the Runtime API; made when the runtime starts. */
let api = new RuntimeApiConnection(runtimeApi.host, runtimeApi.port);

/**
 * @param {string} method
 * @param {string} apiPath
 * @param {string | undefined} body
 * @param {Record<string, string>} [headers]
 */
function callApi(method, apiPath, body, headers = {}) {
  const [response] = api.send([{ method, path: apiPath, ...(body === undefined ? {} : { body }), headers }]);
  return /** @type {Promise<ApiResponse>} */ (response);
}

function postJson(/** @type {string} */ apiPath, /** @type {string} */ body, /** @type {Record<string, string>} */ headers = {}) {
  return callApi('POST', apiPath, body, { 'Content-Type': 'application/json', ...headers });
}

function serializeResponse(/** @type {unknown} */ result) {
  try {
    return JSON.stringify(result === undefined ? null : result);
  } catch {
    throw new Error('Unable to stringify response body');
  }
}

async function postError(/** @type {string} */ apiPath, /** @type {unknown} */ error) {
  const body = errorBody(error);
  await postJson(apiPath, JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
}

// ---- handler ------------------------------------------------------------------------------

/** Nearest package.json says "type": "module"? Decides whether a .js file is ESM. */
function isModuleFolder(/** @type {string} */ folder) {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith(`${path.sep}node_modules`)) return false;
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

/** Loads the module part of a handler string in Lambda's order: extensionless, .js, .mjs, .cjs, then Node's resolution. */
async function loadModule(/** @type {string} */ taskRoot, /** @type {string} */ moduleRoot, /** @type {string} */ moduleName) {
  // Loaded here, not at module level: node:module is not meant to be part of a startup snapshot.
  const load = require('node:module').createRequire(__filename);
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  if (fs.existsSync(base) && fs.statSync(base).isFile()) return load(base);
  const esm = fs.existsSync(base + '.js') && isModuleFolder(path.dirname(base));
  if (!esm && fs.existsSync(base + '.js')) return load(base + '.js');
  if (esm) return import(url.pathToFileURL(base + '.js').href);
  if (fs.existsSync(base + '.mjs')) return import(url.pathToFileURL(base + '.mjs').href);
  if (fs.existsSync(base + '.cjs')) return load(base + '.cjs');
  return load(load.resolve(moduleName, { paths: [taskRoot, moduleRoot] }));
}

async function loadHandler(/** @type {string} */ taskRoot, /** @type {string} */ handlerString) {
  if (handlerString.includes('..')) {
    throw runtimeError(
      'MalformedHandlerName',
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = path.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.length - base.length);
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (!match || match[1] === undefined || match[2] === undefined) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const [, moduleName, propertyPath] = match;

  /** @type {any} */
  let app;
  try {
    app = await loadModule(taskRoot, moduleRoot, moduleName);
  } catch (error) {
    const e = /** @type {any} */ (error);
    if (e instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', String(e));
    if (e && e.code === 'MODULE_NOT_FOUND') throw runtimeError('ImportModuleError', String(e));
    throw e;
  }
  const handler = propertyPath.split('.').reduce((object, key) => object && object[key], app);
  if (!handler) throw runtimeError('HandlerNotFound', `${handlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw runtimeError('HandlerNotFound', `${handlerString} is not a function`);
  return handler;
}

// ---- the invocation loop ------------------------------------------------------------------

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

/** What runs when the event loop empties; replaced per invocation. */
let onEmptyEventLoop = () => {};
/** How uncaught errors are reported; replaced once init is done. */
let reportFatal = async (/** @type {unknown} */ error, /** @type {number} */ code) => {
  await postError('/init/error', error).catch(() => {});
  process.exit(code);
};

function environmentContext() {
  return {
    functionName: process.env['AWS_LAMBDA_FUNCTION_NAME'],
    functionVersion: process.env['AWS_LAMBDA_FUNCTION_VERSION'],
    memoryLimitInMB: process.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'],
    logGroupName: process.env['AWS_LAMBDA_LOG_GROUP_NAME'],
    logStreamName: process.env['AWS_LAMBDA_LOG_STREAM_NAME'],
  };
}

function parseHeaderJson(/** @type {string | undefined} */ value, /** @type {string} */ name) {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new Error(`Cannot parse ${name} as json: ${String(error)}`, { cause: error });
  }
}

/**
 * Runs the next invocation on a fresh turn of the event loop. `next` is the request for the next
 * event when it already went out together with the previous answer.
 * @param {Function} handler
 * @param {Promise<ApiResponse>} [next]
 */
function scheduleNext(handler, next) {
  setImmediate(() => {
    runOnce(handler, next ?? callApi('GET', '/invocation/next', undefined)).catch((error) => {
      if (error instanceof RuntimeApiGone) process.exit(1);
      console.log(`Unexpected Top Level Error: ${String(error)}`);
      void reportFatal(error, 129);
    });
  });
}

/** Posts an invocation's answer and asks for the next event in the same write. */
function answerAndContinue(
  /** @type {Function} */ handler,
  /** @type {string} */ apiPath,
  /** @type {string} */ body,
  /** @type {Record<string, string>} */ headers,
) {
  const [posted, next] = api.send([
    { method: 'POST', path: apiPath, body, headers: { 'Content-Type': 'application/json', ...headers } },
    { method: 'GET', path: '/invocation/next' },
  ]);
  posted?.catch(() => {});
  scheduleNext(handler, next);
}

async function runOnce(/** @type {Function} */ handler, /** @type {Promise<ApiResponse>} */ nextRequest) {
  const next = await nextRequest;
  if (next.status !== 200) throw new Error(`The Runtime API refused the next event (${next.status}): ${next.body}`);
  const headers = next.headers;
  const requestId = String(headers['lambda-runtime-aws-request-id']);
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  currentRequestId = requestId;
  const traceId = headers['lambda-runtime-trace-id'];
  if (typeof traceId === 'string') process.env['_X_AMZN_TRACE_ID'] = traceId;
  else delete process.env['_X_AMZN_TRACE_ID'];
  reportFatal = async (error, code) => {
    await postError(`/invocation/${encodeURIComponent(requestId)}/error`, error).catch(() => {});
    process.exit(code);
  };
  if (/** @type {any} */ (handler)[STREAMING] === 'response') {
    await runStreaming(handler, requestId, deadline, headers, next.body);
  } else {
    runBuffered(handler, requestId, deadline, headers, next.body);
  }
}

/**
 * @param {Function} handler
 * @param {string} requestId
 * @param {number} deadline
 * @param {Record<string, string>} headers
 * @param {string} body
 */
function runBuffered(handler, requestId, deadline, headers, body) {
  const id = encodeURIComponent(requestId);
  let finished = false;
  let waitForEmptyEventLoop = true;

  const sendResponse = (/** @type {unknown} */ result) => {
    let serialized;
    try {
      serialized = serializeResponse(result);
    } catch (error) {
      sendError(error);
      return;
    }
    answerAndContinue(handler, `/invocation/${id}/response`, serialized, {});
  };
  const sendError = (/** @type {unknown} */ error) => {
    logError('Invoke Error', error);
    const body = errorBody(error);
    answerAndContinue(handler, `/invocation/${id}/error`, JSON.stringify(body), {
      'Lambda-Runtime-Function-Error-Type': body.errorType,
    });
  };
  /** Only the first completion of an invocation counts. */
  const once =
    (/** @type {(...args: any[]) => void} */ fn) =>
    (/** @type {any[]} */ ...args) => {
      if (finished) return;
      finished = true;
      onEmptyEventLoop = () => {};
      fn(...args);
    };
  const done = once((/** @type {unknown} */ error, /** @type {unknown} */ result) => {
    if (error !== undefined && error !== null) sendError(error);
    else sendResponse(result);
  });
  // The callback waits for the event loop to empty unless the handler said otherwise; like
  // every completion, only its first call counts.
  let calledBack = false;
  const callback = (/** @type {unknown} */ error, /** @type {unknown} */ result) => {
    if (finished || calledBack) return;
    calledBack = true;
    if ((error !== undefined && error !== null) || !waitForEmptyEventLoop) {
      done(error, result);
      return;
    }
    onEmptyEventLoop = () => setImmediate(() => done(null, result));
  };
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: (/** @type {unknown} */ result) => done(null, result),
    fail: (/** @type {unknown} */ error) => done(error === undefined || error === null ? 'handled' : error, null),
    done,
    ...environmentContext(),
    clientContext: parseHeaderJson(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseHeaderJson(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  // A handler that neither returns a promise nor calls back ends when the event loop empties,
  // with a null response, as in Lambda's Node.js runtime.
  onEmptyEventLoop = () => done(null, null);
  try {
    const result = handler(JSON.parse(body), context, callback);
    if (result && typeof result.then === 'function') {
      result.then(
        (/** @type {unknown} */ value) => done(null, value),
        (/** @type {unknown} */ error) => done(error === undefined || error === null ? 'handled' : error, null),
      );
    }
  } catch (error) {
    callback(error, undefined);
  }
}

/**
 * A handler wrapped with awslambda.streamifyResponse writes its response to a stream that is
 * posted to the Runtime API as it is written.
 * @param {Function} handler
 * @param {string} requestId
 * @param {number} deadline
 * @param {Record<string, string>} headers
 * @param {string} body
 */
async function runStreaming(handler, requestId, deadline, headers, body) {
  let contentType = 'application/octet-stream';
  /** @type {import('node:http').ClientRequest | undefined} */
  let request;
  /** @type {Promise<void> | undefined} */
  let posted;
  const open = () => {
    if (request) return request;
    const { http, agent } = streamingClient();
    request = http.request({
      host: runtimeApi.host,
      port: runtimeApi.port,
      path: `${API_BASE}/invocation/${encodeURIComponent(requestId)}/response`,
      method: 'POST',
      agent,
      headers: {
        'Content-Type': contentType,
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      },
    });
    posted = new Promise((resolve, reject) => {
      request?.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve());
      });
      request?.on('error', reject);
    });
    return request;
  };
  /** @type {{ write(chunk: any): boolean, end(chunk?: any): void, setContentType(type: string): void, _beforeFirstWrite?: () => void, writableFinished: boolean }} */
  const responseStream = {
    writableFinished: false,
    setContentType(type) {
      contentType = type;
    },
    write(chunk) {
      const first = !request;
      const req = open();
      if (first && this._beforeFirstWrite) this._beforeFirstWrite();
      return req.write(chunk);
    },
    end(chunk) {
      const first = !request;
      const req = open();
      if (first && this._beforeFirstWrite) this._beforeFirstWrite();
      if (chunk !== undefined) req.write(chunk);
      req.end();
      this.writableFinished = true;
    },
  };
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    ...environmentContext(),
    clientContext: parseHeaderJson(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseHeaderJson(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    await handler(JSON.parse(body), responseStream, context);
    if (!responseStream.writableFinished) throw new Error('Response stream is not finished.');
    await posted;
  } catch (error) {
    logError('Invoke Error', error);
    const req = open();
    const errorJson = errorBody(error);
    req.addTrailers({
      'Lambda-Runtime-Function-Error-Type': errorJson.errorType,
      'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(errorJson)).toString('base64'),
    });
    if (!req.writableEnded) req.end();
    await posted?.catch(() => {});
  }
  scheduleNext(handler);
}

// ---- init ---------------------------------------------------------------------------------

async function main() {
  runtimeApi.address = process.env['AWS_LAMBDA_RUNTIME_API'] ?? '';
  const [host = '127.0.0.1', port = '9001'] = runtimeApi.address.split(':');
  runtimeApi.host = host;
  runtimeApi.port = Number(port);
  api = new RuntimeApiConnection(runtimeApi.host, runtimeApi.port);
  configureLogging();
  patchConsole();
  /** @type {any} */ (globalThis).awslambda = {
    streamifyResponse: (/** @type {any} */ handler) => {
      handler[STREAMING] = 'response';
      return handler;
    },
    HttpResponseStream: {
      from(/** @type {any} */ stream, /** @type {unknown} */ prelude) {
        stream.setContentType('application/vnd.awslambda.http-integration-response');
        stream._beforeFirstWrite = () => {
          stream._beforeFirstWrite = undefined;
          stream.write(JSON.stringify(prelude));
          stream.write(new Uint8Array(8));
        };
        return stream;
      },
    },
  };
  process.on('uncaughtException', (error) => {
    logError('Uncaught Exception', error);
    void reportFatal(error, 129);
  });
  process.on('unhandledRejection', (reason) => {
    const error = runtimeError(
      'UnhandledPromiseRejection',
      String(isErrorLike(reason) ? `${/** @type {any} */ (reason).name}: ${/** @type {any} */ (reason).message}` : reason),
    );
    logError('Unhandled Promise Rejection', error);
    void reportFatal(error, 128);
  });
  process.on('beforeExit', () => onEmptyEventLoop());

  const handler = await loadHandler(process.env['LAMBDA_TASK_ROOT'] ?? process.cwd(), process.env['_HANDLER'] ?? '');
  scheduleNext(handler);
}

// ---- the same process, from the file or from a startup snapshot ----------------------------

/**
 * node:console's Console class, kept while the bootstrap loads: in a process started from a
 * startup snapshot, Node leaves `console.Console` undefined, and libraries construct it
 * (Powertools' Logger does, at init).
 */
const ConsoleClass = console.Console;

/**
 * Makes a process started from the snapshot the same, to its handler, as one started from this
 * file, and both like Lambda's: there the runtime's entry is an ES module, so `require.main` is
 * undefined, and `process.argv` is the node executable and the runtime's file.
 */
function normalizeProcess() {
  if (console.Console === undefined) /** @type {any} */ (console).Console = ConsoleClass;
  // child_process.fork starts its children with process.execArgv: a snapshot flag there would
  // start the bootstrap again in place of the forked module.
  const blob = process.execArgv.findIndex((arg) => arg === '--snapshot-blob' || arg.startsWith('--snapshot-blob='));
  if (blob >= 0) process.execArgv.splice(blob, process.execArgv[blob] === '--snapshot-blob' ? 2 : 1);
  if (process.argv.length < 2) process.argv.push(__filename);
  if (require.main !== undefined) {
    delete (/** @type {any} */ (process).mainModule);
    // The bootstrap is not a module of the function's: out of the cache its handler requires from.
    Reflect.deleteProperty(require.cache, __filename);
  }
}

/**
 * The shape of every built-in module and global a handler can reach: each own property's name
 * and kind. The emulator compares it between a process started from this file and one started
 * from a new snapshot, and uses the snapshot only when they are equal.
 */
function builtinsFingerprint() {
  const load = require('node:module').createRequire(__filename);
  const shape = (/** @type {object} */ object) =>
    Reflect.ownKeys(object)
      .map((key) => {
        const property = /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(object, key));
        const kind = property.get || property.set ? 'accessor' : property.value === null ? 'null' : typeof property.value;
        return `${String(key)}:${kind}`;
      })
      .sort();
  /** @type {Record<string, unknown>} */
  const modules = {};
  // Modules whose loading warns (deprecated or experimental) are left out; none is one a snapshot changes.
  const noisy = new Set(['sys', 'punycode', 'wasi', 'repl', 'sqlite', 'test/reporters']);
  for (const name of load('node:module').builtinModules) {
    if (name.startsWith('_') || noisy.has(name)) continue;
    try {
      modules[name] = shape(load(`node:${name}`));
    } catch (error) {
      modules[name] = `throws ${String(/** @type {any} */ (error)?.code)}`;
    }
  }
  return {
    modules,
    globals: shape(globalThis),
    process: shape(process),
    console: shape(console),
    argv: process.argv.length,
    execArgv: process.execArgv,
    main: typeof load.main,
    cached: Object.keys(load.cache).length,
  };
}

function start() {
  normalizeProcess();
  // The emulator starts a freshly built snapshot, and the file, with this variable, to check that
  // the snapshot loads and changes nothing a handler can see.
  if (process.env['_LAMBDA_WORKBENCH_SNAPSHOT_CHECK'] === '1') {
    process.stdout.write(JSON.stringify(builtinsFingerprint()));
    return;
  }
  main().catch((error) => {
    logError('Uncaught Exception', error);
    void reportFatal(error, 129);
  });
}

const v8 = require('node:v8');
if (v8.startupSnapshot.isBuildingSnapshot()) v8.startupSnapshot.setDeserializeMainFunction(start);
else start();

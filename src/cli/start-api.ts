// `start-api`: the project's API Gateway APIs and function URLs on 127.0.0.1, each at its own base
// URL as AWS gives each its own endpoint, calling the functions in the local emulator. Handler
// edits take effect on the next request (the functions are served as `serve` serves them).
import { parseArgs } from 'node:util';
import { localApis } from '../core/http-api/local-apis';
import { startApiServer, type ApiServer, type ApiServerOptions, type LocalApi } from '../core/http-api/server';
import { LocalCallers } from '../core/local-callers';
import { WorkbenchError } from '../core/errors';
import { SERVE_OPTIONS, ServedFunctions, batchedWriter, shutdown, startServing, stopRequest } from './serve';
import { loadProject } from './load';
import { watchProject } from './watch-project';
import { UsageError, hostName, wholeNumber } from './options';

export const START_API_OPTIONS = {
  ...SERVE_OPTIONS,
  /** The first API's port; the next ones take the ports after it. */
  port: { type: 'string', default: '3000' },
  host: { type: 'string', default: '127.0.0.1' },
  /** The Invoke API's port, which the functions' SDK clients may call (0: any free port). */
  'invoke-port': { type: 'string', default: '0' },
  /** JWT authorizers: accept tokens whose issuer's keys cannot be fetched (said loudly at start). */
  'accept-unverified-tokens': { type: 'boolean', default: false },
} as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

const KIND_LABEL = { rest: 'REST API', http: 'HTTP API', url: 'function URL' } as const;

export async function startApi(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: START_API_OPTIONS });
  if (!LOOPBACK.has(values.host)) {
    throw new UsageError(
      `--host ${values.host}: the local API listens on 127.0.0.1 only, so that no other machine can call your functions. ` +
        'To reach it from elsewhere, forward the port (and allow its name with --allow-host).',
    );
  }
  const firstPort = wholeNumber(values.port, '--port');
  const callers = new LocalCallers({
    allowedHosts: values['allow-host'].map((host) => hostName(host, '--allow-host')),
    howToAllow: {
      host: (name) => `To allow "${name}" (a forwarded port or a tunnel), start the API with --allow-host ${name}.`,
      origin: () => '',
    },
  });
  const stop = stopRequest(values['exit-with-parent']);
  let running: Awaited<ReturnType<typeof startServing>>;
  try {
    running = await startServing({ ...values, port: values['invoke-port'] });
  } catch (error) {
    stop.cancel();
    throw error;
  }
  const servers: ApiServer[] = [];
  /** The port the next API takes: one past the last given, never one a stopped API had. */
  let nextPort = firstPort;
  // Access lines and warnings go to standard error whatever --json-logs does with the functions' records.
  const said = batchedWriter(process.stderr);
  const { apis, warnings } = localApis(running.project);
  const serverOptions = (api: LocalApi): ApiServerOptions => ({
    // A new API after a reload takes the port after the last one.
    port: firstPort === 0 ? 0 : nextPort++,
    callers,
    accountId: '123456789012',
    region: values.region,
    acceptUnverifiedTokens: values['accept-unverified-tokens'],
    invoke: async (functionName, event) => {
      const result = await running.emulator.invoke({ functionName, payload: event });
      return {
        payload: result.payload,
        requestId: result.requestId,
        ...(result.functionError === undefined ? {} : { functionError: result.functionError }),
      };
    },
    onAccess: (line) => said.write(`[${api.id}] ${line}\n`),
  });
  for (const warning of warnings) said.write(`warning: ${warning}\n`);
  try {
    if (apis.length === 0) {
      throw new WorkbenchError(
        `${running.project.description} has no API routes and no function URLs, so there is nothing to serve over HTTP. ` +
          'Give a function an Api or HttpApi event (SAM), an http or httpApi event (serverless.yml), or a FunctionUrlConfig; ' +
          '"lambda-workbench serve" serves the functions over the Invoke API meanwhile.',
      );
    }
    for (const api of apis) {
      const options = serverOptions(api);
      const { port } = options;
      servers.push(
        await startApiServer(api, options).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
            throw new WorkbenchError(
              `Port ${port} is in use, so ${api.id} cannot be served there. Choose another first port with --port (APIs take consecutive ports).`,
              { cause: error },
            );
          }
          throw error;
        }),
      );
    }
  } catch (error) {
    stop.cancel();
    await Promise.all(servers.map((server) => server.close()));
    await shutdown(running.emulator, running.prepared, running.buildDir);
    await running.server.close();
    throw error;
  }
  running.output.flush();
  said.flush();
  process.stderr.write(apis.map((api, i) => describe(api, servers[i]?.url ?? '')).join(''));
  if (values['accept-unverified-tokens']) {
    process.stderr.write(
      "WARNING: --accept-unverified-tokens: a JWT whose issuer's keys cannot be fetched is accepted without checking its signature. Never use this with real users' tokens.\n",
    );
  }
  // The line a supervising process (the editor) waits for: every API above is served.
  process.stderr.write(`start-api ready: ${apis.length} API(s)\n`);
  let reloads = watchProject(running.project, () => reload());
  const served = new ServedFunctions(running);
  let reloading = Promise.resolve();
  /** Reads the project again and serves what it says now: its functions, and each API's routes. */
  const reload = () => {
    reloading = reloading.then(async () => {
      try {
        // Not synthesized again: a synth rewrites the cloud assembly, which would read as another change.
        const project = await loadProject({ ...values, synth: false });
        // What the project is read from now (a template that nests another...) is what is watched.
        reloads.close();
        reloads = watchProject(project, () => reload());
        await served.apply(project.functions.filter((fn) => fn.problems.length === 0).map((fn) => fn.config));
        const next = localApis(project);
        for (const warning of next.warnings) said.write(`warning: ${warning}\n`);
        const changes: string[] = [];
        for (const api of next.apis) {
          const index = apis.findIndex((old) => old.id === api.id && old.kind === api.kind);
          const before = apis[index];
          const server = servers[index];
          if (before === undefined || server === undefined) {
            try {
              const started = await startApiServer(api, serverOptions(api));
              apis.push(api);
              servers.push(started);
              changes.push(`${api.id} is new, at ${started.url}`);
            } catch (error) {
              changes.push(`${api.id} is new but cannot be served: ${(error as Error).message}`);
            }
            continue;
          }
          const said = routeChanges(before, api);
          if (said !== '' || JSON.stringify(before) !== JSON.stringify(api)) {
            server.update(api);
            apis[index] = api;
            changes.push(`${api.id}: ${said || 'its settings changed'}`);
          }
        }
        for (let index = apis.length - 1; index >= 0; index--) {
          const old = apis[index];
          if (old === undefined || next.apis.some((api) => api.id === old.id && api.kind === old.kind)) continue;
          await servers[index]?.close();
          apis.splice(index, 1);
          servers.splice(index, 1);
          changes.push(`${old.id} is gone`);
        }
        running.output.flush();
        said.flush();
        process.stderr.write(
          `[reload] ${running.project.description} changed: ${changes.length === 0 ? 'the routes are as before' : changes.join('; ')}; serving ${project.functions.length} function(s).\n`,
        );
        // Announced again, as at start, for a supervising process to read.
        process.stderr.write(
          `${apis.map((api, i) => describe(api, servers[i]?.url ?? '')).join('')}start-api ready: ${apis.length} API(s)\n`,
        );
      } catch (error) {
        running.output.flush();
        process.stderr.write(`[reload] failed, so the routes before it are served: ${(error as Error).message}\n`);
      }
    });
  };
  await stop.requested;
  reloads.close();
  await reloading;
  await Promise.all(servers.map((server) => server.close()));
  await shutdown(running.emulator, running.prepared, running.buildDir);
  await running.server.close();
  running.output.flush();
  process.exit(0);
}

/** An API's name, kind and base URL, then each route with its full URL, for a person or a script to read. */
function describe(api: LocalApi, url: string): string {
  const head = `${KIND_LABEL[api.kind]} ${api.id}${api.kind === 'url' ? '' : ` (stage ${api.stageName})`}: ${url}\n`;
  if (api.kind === 'url') return `${head}  ANY ${url}/ -> ${api.routes[0]?.functionName ?? ''}\n`;
  return (
    head +
    api.routes
      .map(
        (route) =>
          `  ${route.method} ${route.path === '$default' ? `${url}/* ($default)` : `${url}${route.path}`} -> ${route.functionName}\n`,
      )
      .join('')
  );
}

/** What changed in an API's routes, as `+ GET /new, - POST /old`; empty when nothing did. */
function routeChanges(before: LocalApi, after: LocalApi): string {
  const key = (route: LocalApi['routes'][number]) => `${route.method} ${route.path}`;
  const was = new Set(before.routes.map(key));
  const is = new Set(after.routes.map(key));
  return [
    ...[...is].filter((route) => !was.has(route)).map((route) => `+ ${route}`),
    ...[...was].filter((route) => !is.has(route)).map((route) => `- ${route}`),
  ].join(', ');
}

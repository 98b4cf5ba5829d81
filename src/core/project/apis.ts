// A project's APIs: its functions' routes gathered by the API Gateway API that serves them, as the
// local HTTP API will serve them, with each API's settings (stage, CORS, authorizers). An API is
// the one a route names (`RestApiId`, `ApiId`), else the one SAM or the Serverless Framework
// creates for the file's functions; two functions declaring the same method and path on one API is
// a problem, since API Gateway keeps only one route per pair.
import type { DeclaredApi, DiscoveredFunction, DiscoveryProblem } from '../discovery/types';
import { IMPLICIT_STAGE } from '../discovery/api-settings';
import type { ApiCors, ApiSettings } from '../model/api-settings';
import type { RouteTrigger } from '../model/trigger';

export interface ProjectApi extends ApiSettings {
  /** The API's logical id, or the implicit one's: `ServerlessRestApi`/`ServerlessHttpApi` (SAM), `ApiGatewayRestApi`/`HttpApi` (serverless.yml). */
  readonly id: string;
  readonly kind: 'rest' | 'http';
  /** The template or serverless.yml that declares it, or whose functions' routes make it. */
  readonly file: string;
  /** Ordered by path, then method. */
  readonly routes: readonly ApiRoute[];
}

export interface ApiRoute {
  readonly method: string;
  readonly path: string;
  readonly payloadVersion: '1.0' | '2.0';
  readonly authorizer?: string;
  readonly authorizationScopes?: readonly string[];
  /** Its own CORS (serverless.yml's `cors` on an `http` event). */
  readonly cors?: ApiCors;
  /** The function it invokes, by its name in the project. */
  readonly functionName: string;
}

const IMPLICIT_IDS = {
  template: { rest: 'ServerlessRestApi', http: 'ServerlessHttpApi' },
  serverless: { rest: 'ApiGatewayRestApi', http: 'HttpApi' },
} as const;

/**
 * The APIs the files declare and the functions' routes make, with a problem for each route two
 * functions declare. An implicit API is listed when a route uses it.
 */
export function projectApis(
  functions: readonly DiscoveredFunction[],
  declared: readonly DeclaredApi[] = [],
): { apis: ProjectApi[]; problems: DiscoveryProblem[] } {
  // Each API's routes by `METHOD path`, for the one-route-per-pair rule.
  const apis = new Map<string, { api: Omit<ProjectApi, 'routes'>; routes: Map<string, ApiRoute> }>();
  const settingsOf = (file: string, kind: 'rest' | 'http', id: string): ApiSettings =>
    declared.find((api) => api.file === file && api.kind === kind && api.id === id)?.settings ?? {
      stageName: IMPLICIT_STAGE[kind],
      authorizers: [],
      binaryMediaTypes: [],
    };
  for (const api of declared) {
    if (api.implicit !== true) {
      apis.set(`${api.file}#${api.kind}#${api.id}`, {
        api: { id: api.id, kind: api.kind, file: api.file, ...api.settings },
        routes: new Map(),
      });
    }
  }
  const problems: DiscoveryProblem[] = [];
  for (const fn of functions) {
    if (fn.source === 'code') continue;
    for (const trigger of fn.triggers) {
      if (trigger.kind !== 'route') continue;
      const id = trigger.apiId ?? IMPLICIT_IDS[fn.source][trigger.api];
      const key = `${fn.sourceFile}#${trigger.api}#${id}`;
      let entry = apis.get(key);
      if (entry === undefined) {
        entry = {
          api: { id, kind: trigger.api, file: fn.sourceFile, ...settingsOf(fn.sourceFile, trigger.api, id) },
          routes: new Map(),
        };
        apis.set(key, entry);
      }
      const pair = `${trigger.method} ${trigger.path}`;
      const taken = entry.routes.get(pair);
      if (taken !== undefined) {
        problems.push({
          file: fn.sourceFile,
          line: fn.sourceLine,
          column: 0,
          message:
            `${fn.config.name} and ${taken.functionName} both declare ${trigger.method} ${trigger.path} on the API ${id}, ` +
            'which keeps one route per method and path. Give one of them another path or method.',
        });
        continue;
      }
      entry.routes.set(pair, routeOf(trigger, fn.config.name));
    }
  }
  const list = [...apis.values()].map(({ api, routes }) => ({
    ...api,
    // By code unit, as paths and methods are ASCII: the locale's collation is slower and no better here.
    routes: [...routes.values()].sort((a, b) => compare(a.path, b.path) || compare(a.method, b.method)),
  }));
  return { apis: list, problems };
}

function routeOf(trigger: RouteTrigger, functionName: string): ApiRoute {
  return {
    method: trigger.method,
    path: trigger.path,
    payloadVersion: trigger.payloadVersion,
    ...(trigger.authorizer === undefined ? {} : { authorizer: trigger.authorizer }),
    ...(trigger.authorizationScopes === undefined ? {} : { authorizationScopes: trigger.authorizationScopes }),
    ...(trigger.cors === undefined ? {} : { cors: trigger.cors }),
    functionName,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

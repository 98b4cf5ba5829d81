// What a project serves over HTTP: each API with its routes and settings, and each function URL,
// as the local HTTP API's servers take them.
import type { Project } from '../project/project';
import { IMPLICIT_STAGE } from '../discovery/api-settings';
import type { LocalApi } from './server';

/** The project's APIs that have routes, then its function URLs, in the project's order. */
export function localApis(project: Pick<Project, 'apis' | 'functions'>): LocalApi[] {
  const apis: LocalApi[] = project.apis
    .filter((api) => api.routes.length > 0)
    .map((api) => ({
      id: api.id,
      kind: api.kind,
      stageName: api.stageName,
      ...(api.cors === undefined ? {} : { cors: api.cors }),
      binaryMediaTypes: api.binaryMediaTypes,
      routes: api.routes.map((route) => ({
        method: route.method,
        path: route.path,
        functionName: route.functionName,
        payloadVersion: route.payloadVersion,
      })),
    }));
  for (const fn of project.functions) {
    for (const trigger of fn.triggers) {
      if (trigger.kind !== 'url') continue;
      apis.push({
        id: fn.config.name,
        kind: 'url',
        stageName: IMPLICIT_STAGE.http,
        ...(trigger.cors === undefined ? {} : { cors: trigger.cors }),
        binaryMediaTypes: [],
        routes: [{ method: 'ANY', path: '$default', functionName: fn.config.name, payloadVersion: '2.0' }],
      });
    }
  }
  return apis;
}

// What a project serves over HTTP: each API with its routes and settings, and each function URL,
// as the local HTTP API's servers take them.
import type { Project } from '../project/project';
import { IMPLICIT_STAGE } from '../discovery/api-settings';
import type { LocalApi } from './server';

/**
 * The project's APIs that have routes, then its function URLs, in the project's order; and, as
 * sentences, the authorizers that are not run here (a route they guard is served unguarded).
 */
export function localApis(project: Pick<Project, 'apis' | 'functions'>): { apis: LocalApi[]; warnings: string[] } {
  const warnings: string[] = [];
  const apis: LocalApi[] = project.apis
    .filter((api) => api.routes.length > 0)
    .map((api) => ({
      id: api.id,
      kind: api.kind,
      stageName: api.stageName,
      ...(api.cors === undefined ? {} : { cors: api.cors }),
      binaryMediaTypes: api.binaryMediaTypes,
      routes: api.routes.map((route) => {
        const authorizer = route.authorizer === undefined ? undefined : api.authorizers.find((a) => a.name === route.authorizer);
        const where = `${api.id}: ${route.method} ${route.path}`;
        if (route.authorizer !== undefined && authorizer === undefined) {
          warnings.push(
            `${where} names the authorizer ${route.authorizer}, which ${api.id} does not define; the route is served without it.`,
          );
        } else if (
          authorizer !== undefined &&
          !(authorizer.type === 'lambda' || (authorizer.type === 'jwt' && api.kind === 'http'))
        ) {
          warnings.push(
            `${where} is guarded by ${authorizer.name}, a ${authorizer.type.toUpperCase()} authorizer, which is not checked locally yet: requests reach the function unchecked.`,
          );
        }
        return {
          method: route.method,
          path: route.path,
          functionName: route.functionName,
          payloadVersion: route.payloadVersion,
          ...(authorizer?.type === 'lambda' || (authorizer?.type === 'jwt' && api.kind === 'http') ? { authorizer } : {}),
          ...(route.authorizationScopes === undefined ? {} : { authorizationScopes: route.authorizationScopes }),
          ...(route.cors === undefined ? {} : { cors: route.cors }),
        };
      }),
    }));
  for (const fn of project.functions) {
    for (const trigger of fn.triggers) {
      if (trigger.kind !== 'url') continue;
      if (trigger.authType === 'AWS_IAM') {
        warnings.push(
          `The function URL of ${fn.config.name} requires AWS_IAM auth, which is not checked locally: requests reach the function unsigned.`,
        );
      }
      if (trigger.invokeMode === 'RESPONSE_STREAM') {
        warnings.push(
          `The function URL of ${fn.config.name} streams its response in AWS; here the response is sent whole when the function ends.`,
        );
      }
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
  return { apis, warnings };
}

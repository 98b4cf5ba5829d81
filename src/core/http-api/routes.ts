// Which route of an API a request reaches, as API Gateway decides it. A route's path is a template
// of segments: static (`items`), a parameter (`{id}`), or a greedy parameter as the last segment
// (`{proxy+}`, at least one segment). Among the paths a request matches, the most specific wins:
// compared segment by segment, static before a parameter before a greedy one.
//   - REST APIs pick the resource (path) first, then its method or ANY; a resource without the
//     method is not looked past (403 Missing Authentication Token, like an unknown path).
//   - HTTP APIs pick among the routes that match both method (or ANY) and path, the exact method
//     before ANY at the same path; a `$default` route takes whatever no route matches (404 without).
// REST APIs pass path parameters as sent, percent-encoding and all (measured against AWS);
// HTTP APIs decode them.

/** What routing needs of a route. */
export interface RoutePattern {
  /** Upper case, or `ANY`. */
  readonly method: string;
  /** `/items/{id}`, `/{proxy+}`, or `$default` (HTTP APIs). */
  readonly path: string;
}

export interface RouteMatch<R extends RoutePattern> {
  readonly route: R;
  /** Decoded values by parameter name (a greedy one's is the rest of the path, `a/b/c`). */
  readonly pathParameters: Readonly<Record<string, string>>;
}

type Segment = { readonly kind: 'static'; readonly text: string } | { readonly kind: 'param' | 'greedy'; readonly name: string };

const RANK = { static: 0, param: 1, greedy: 2 } as const;

/** Routes parsed once, matched per request. */
export class RouteTable<R extends RoutePattern> {
  private readonly compiled: readonly { route: R; segments: readonly Segment[] }[];
  private readonly fallback: R | undefined;
  /** A path parameter's value from its segment as sent. */
  private readonly value: (part: string) => string;

  constructor(
    routes: readonly R[],
    private readonly kind: 'rest' | 'http',
  ) {
    this.compiled = routes
      .filter((route) => route.path !== '$default')
      .map((route) => ({ route, segments: segmentsOf(route.path) }));
    this.fallback = routes.find((route) => route.path === '$default');
    this.value = kind === 'rest' ? (part) => part : decoded;
  }

  /** The route `method` and `path` (as sent, percent-encoded, without the query) reach; undefined for none. */
  match(method: string, path: string): RouteMatch<R> | undefined {
    const parts = splitPath(path);
    const candidates: { route: R; parameters: Record<string, string>; rank: number[] }[] = [];
    for (const { route, segments } of this.compiled) {
      const parameters = matchSegments(segments, parts, this.value);
      if (parameters !== undefined) candidates.push({ route, parameters, rank: segments.map((s) => RANK[s.kind]) });
    }
    const byMethod = (candidate: { route: R }) => candidate.route.method === method || candidate.route.method === 'ANY';
    let chosen: (typeof candidates)[number] | undefined;
    if (this.kind === 'rest') {
      // The resource first: the most specific path, then its method.
      const best = mostSpecific(candidates);
      const resource = best === undefined ? [] : candidates.filter((c) => c.route.path === best.route.path);
      chosen = resource.find((c) => c.route.method === method) ?? resource.find(byMethod);
    } else {
      const allowed = candidates.filter(byMethod);
      const best = mostSpecific(allowed);
      chosen =
        best === undefined
          ? undefined
          : (allowed.find((c) => c.route.path === best.route.path && c.route.method === method) ?? best);
    }
    if (chosen !== undefined) return { route: chosen.route, pathParameters: chosen.parameters };
    return this.fallback === undefined ? undefined : { route: this.fallback, pathParameters: {} };
  }

  /**
   * The methods of the routes at the path `path` reaches, for a CORS preflight's answer: a REST
   * API's one resource (the most specific path), every matching route of an HTTP API.
   */
  methodsAt(path: string): string[] {
    return [...new Set(this.routesAt(path).map((route) => route.method))];
  }

  /** The routes at the path `path` reaches (see methodsAt). */
  routesAt(path: string): R[] {
    const parts = splitPath(path);
    const matching = this.compiled
      .filter(({ segments }) => matchSegments(segments, parts, this.value) !== undefined)
      .map(({ route, segments }) => ({ route, rank: segments.map((s) => RANK[s.kind]) }));
    const best = this.kind === 'rest' ? mostSpecific(matching) : undefined;
    return matching.filter((m) => best === undefined || m.route.path === best.route.path).map((m) => m.route);
  }
}

/** The candidate whose segments rank lowest, compared from the first segment on. */
function mostSpecific<C extends { rank: number[] }>(candidates: readonly C[]): C | undefined {
  let best: C | undefined;
  for (const candidate of candidates) {
    if (best === undefined || compareRanks(candidate.rank, best.rank) < 0) best = candidate;
  }
  return best;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  // The same kinds as far as both go: the longer, more specific path first.
  return b.length - a.length;
}

function segmentsOf(path: string): Segment[] {
  return splitPath(path).map((part): Segment => {
    const parameter = /^\{([^{}]+?)(\+?)\}$/.exec(part);
    if (parameter === null) return { kind: 'static', text: part };
    return { kind: parameter[2] === '+' ? 'greedy' : 'param', name: parameter[1] ?? '' };
  });
}

/** A path's segments; empty ones (a trailing or doubled slash) are not segments to API Gateway. */
function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
  value: (part: string) => string,
): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const part = parts[i];
    if (segment === undefined || part === undefined) return undefined;
    if (segment.kind === 'greedy') {
      // The rest of the path, at least one segment; it must be the template's last segment.
      if (i !== segments.length - 1) return undefined;
      parameters[segment.name] = parts.slice(i).map(value).join('/');
      return parameters;
    }
    if (segment.kind === 'static') {
      if (decoded(part) !== segment.text) return undefined;
    } else {
      parameters[segment.name] = value(part);
    }
  }
  return parts.length === segments.length ? parameters : undefined;
}

/** A percent-encoded segment's text; as sent when it is not valid encoding. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

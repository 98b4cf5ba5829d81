// Who may call a server Lambda Workbench starts on 127.0.0.1. Listening on the loopback address
// keeps other machines out, not web pages: any page the user opens can send a "simple" POST to
// 127.0.0.1 (the response is opaque, but the function runs), and a page whose name is made to
// resolve to 127.0.0.1 (DNS rebinding) can even read the answers. Browsers always say where a
// request comes from (Origin) and which name it is for (Host); the AWS SDKs, the AWS CLI and the
// runtimes send no Origin and a loopback Host. So a request is answered only when its Host names
// a loopback address or one the user allowed, and when it carries no Origin, or one the user allowed.
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

export interface CallerRules {
  /** Host names (any port) answered besides loopback ones: a forwarded port's or a tunnel's; `*.example.test` matches below that domain. */
  readonly allowedHosts?: readonly string[];
  /** Origins (`http://localhost:5173`) whose pages may call, with CORS headers in the answers. */
  readonly allowedOrigins?: readonly string[];
  /** The sentences that end a refusal, saying how to allow a host or an origin; the emulator's by default. */
  readonly howToAllow?: HowToAllow;
}

export interface HowToAllow {
  host(name: string): string;
  origin(origin: string): string;
}

export interface Refusal {
  readonly status: 403;
  readonly errorType: 'AccessDeniedException';
  readonly message: string;
}

const EMULATOR_HOW_TO_ALLOW: HowToAllow = {
  host: (name) =>
    `To allow "${name}" (a forwarded port or a tunnel), start the emulator with --allow-host ${name}, or add it to the lambdaWorkbench.emulator.allowedHosts setting.`,
  origin: (origin) =>
    `To let pages of that origin call it, start the emulator with --allow-origin ${origin}, or add it to the lambdaWorkbench.emulator.allowedOrigins setting.`,
};

export class LocalCallers {
  private readonly hosts: readonly string[];
  private readonly origins: ReadonlySet<string>;
  private readonly howToAllow: HowToAllow;

  constructor(rules: CallerRules = {}) {
    this.hosts = (rules.allowedHosts ?? []).map((host) => normalizeHostName(host));
    this.origins = new Set((rules.allowedOrigins ?? []).map((origin) => normalizeOrigin(origin)));
    this.howToAllow = rules.howToAllow ?? EMULATOR_HOW_TO_ALLOW;
  }

  /** Why `req` is refused, or undefined when it may be answered. */
  check(req: IncomingMessage): Refusal | undefined {
    const refusal = this.checkHost(req);
    if (refusal !== undefined) return refusal;
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.has(normalizeOrigin(origin))) {
      return refuse(
        `Requests from web pages are refused: this one carries "Origin: ${clip(origin)}", which the AWS SDKs, the AWS CLI ` +
          `and Lambda runtimes never send. ` +
          this.howToAllow.origin(clip(origin)),
      );
    }
    return undefined;
  }

  /**
   * Why `req` is refused for the name it is addressed to, or undefined. A server that pages are
   * meant to call (a local API, whose own CORS settings decide which pages may read its answers)
   * checks this alone.
   */
  checkHost(req: IncomingMessage): Refusal | undefined {
    const host = req.headers.host;
    if (host === undefined || host === '') {
      return refuse(
        'The request has no Host header, so it is refused. Send the host the server was reached at, such as 127.0.0.1.',
      );
    }
    const name = hostNameOf(host);
    if (!isLoopbackName(name) && !this.hosts.some((allowed) => matches(name, allowed))) {
      return refuse(
        `Requests for the host "${clip(host)}" are refused: this local server answers only requests addressed to 127.0.0.1, ` +
          `localhost or [::1], so that a web page cannot reach it through a name of its own (DNS rebinding). ` +
          this.howToAllow.host(clip(name)),
      );
    }
    return undefined;
  }

  /** CORS headers for an allowed origin's request; none for a request without Origin. */
  corsHeaders(req: IncomingMessage, exposed: readonly string[]): Record<string, string> {
    const origin = req.headers.origin;
    if (origin === undefined || !this.origins.has(normalizeOrigin(origin))) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': exposed.join(', '),
      Vary: 'Origin',
    };
  }

  /** The answer to an allowed origin's CORS preflight (OPTIONS with Access-Control-Request-Method). */
  preflightHeaders(req: IncomingMessage, methods: readonly string[]): Record<string, string> | undefined {
    const origin = req.headers.origin;
    if (req.method !== 'OPTIONS' || origin === undefined || req.headers['access-control-request-method'] === undefined) {
      return undefined;
    }
    if (!this.origins.has(normalizeOrigin(origin))) return undefined;
    const requested = req.headers['access-control-request-headers'];
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': methods.join(', '),
      ...(requested === undefined ? {} : { 'Access-Control-Allow-Headers': requested }),
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    };
  }
}

function refuse(message: string): Refusal {
  return { status: 403, errorType: 'AccessDeniedException', message };
}

/** The name part of a Host header: `[::1]:3001` → `::1`, `LocalHost.:80` → `localhost`. */
export function hostNameOf(host: string): string {
  const trimmed = host.trim();
  if (trimmed.startsWith('[')) {
    const end = trimmed.indexOf(']');
    return end < 0 ? trimmed.toLowerCase() : trimmed.slice(1, end).toLowerCase();
  }
  const colon = trimmed.lastIndexOf(':');
  // More than one colon and no brackets: a bare IPv6 address, which no client should send, kept whole.
  const name = colon >= 0 && trimmed.indexOf(':') === colon ? trimmed.slice(0, colon) : trimmed;
  return normalizeHostName(name);
}

function normalizeHostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** 127.0.0.0/8, ::1 (and 127.x mapped into IPv6), `localhost` and names below it (RFC 6761). */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIPv4(name)) return name.startsWith('127.');
  if (isIPv6(name)) {
    if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
    return mapped?.[1] !== undefined && mapped[1].startsWith('127.');
  }
  return false;
}

function matches(name: string, allowed: string): boolean {
  return allowed.startsWith('*.') ? name.endsWith(allowed.slice(1)) : name === allowed;
}

function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/$/, '');
}

/** A header value as it may be quoted in a message: at most 100 characters, no control characters. */
function clip(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 97)}...` : clean;
}

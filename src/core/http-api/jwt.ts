// HTTP API JWT authorizers: the token from the identity source (with or without `Bearer `), its
// signature verified against the issuer's keys (found through its OpenID discovery document, else
// at `{issuer}/.well-known/jwks.json`; fetched once and kept, by jose), then the issuer, the audience
// (`aud`, or `client_id` as Cognito's access tokens carry it), expiry and not-before, and the
// route's scopes (one of them in `scope` or `scp`). What the function then sees is
// `requestContext.authorizer.jwt` {claims, scopes}. When the issuer's keys cannot be fetched, the
// request is refused, unless the user chose to accept unverified tokens (their claims still checked).
import type { ApiAuthorizer } from '../model/api-settings';
import { serviceAnswer, type GatewayResponse } from './responses';

type Jose = typeof import('jose');
type KeySet = ReturnType<Jose['createRemoteJWKSet']>;

export type JwtVerdict = { readonly refused: GatewayResponse } | { readonly authorizer: Record<string, unknown> };

export class JwtAuthorizers {
  private jose: Promise<Jose> | undefined;
  private readonly keySets = new Map<string, Promise<KeySet>>();

  constructor(private readonly acceptUnverified: boolean) {}

  /** Checks the request's token for the route; `identity` is the identity source's value. */
  async check(authorizer: ApiAuthorizer, identity: string | undefined, scopes: readonly string[]): Promise<JwtVerdict> {
    if (identity === undefined || identity.trim() === '') return refuse('no token in the identity source');
    const token = identity.replace(/^Bearer\s+/i, '').trim();
    const issuer = authorizer.issuer;
    if (issuer === undefined) return refuse(`the authorizer ${authorizer.name} names no issuer`);
    const jose = await (this.jose ??= import('jose'));
    let claims: Record<string, unknown>;
    try {
      const keys = await this.keySetOf(jose, issuer);
      ({ payload: claims } = await jose.jwtVerify(token, keys, { issuer }));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // Not about the token: the keys could not be had (a network error, a timeout, a key set that
      // is not one, an answer that is not JSON or not 200, which jose reports as a generic error).
      const fetching =
        typeof code !== 'string' ||
        !code.startsWith('ERR_J') ||
        ['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC'].includes(code);
      if (fetching) this.keySets.delete(issuer);
      if (!fetching || !this.acceptUnverified) {
        return refuse(
          fetching
            ? `the keys of the issuer ${issuer} could not be fetched (${(error as Error).message}), so the token's signature cannot be checked; ` +
                'start the API with --accept-unverified-tokens to accept tokens without that check'
            : `the token is not valid: ${(error as Error).message}`,
        );
      }
      // Unverified, as the user asked: its claims are still checked.
      try {
        claims = jose.decodeJwt(token);
      } catch (decodeError) {
        return refuse(`the token is not a JWT: ${(decodeError as Error).message}`);
      }
      const now = Date.now() / 1000;
      if (claims['iss'] !== issuer) return refuse(`the token's issuer is not ${issuer}`);
      if (typeof claims['exp'] === 'number' && claims['exp'] < now) return refuse('the token has expired');
      if (typeof claims['nbf'] === 'number' && claims['nbf'] > now) return refuse('the token is not valid yet');
    }
    const audience = authorizer.audience ?? [];
    const tokenAudiences = [...listOf(claims['aud']), ...listOf(claims['client_id'])];
    if (audience.length > 0 && !tokenAudiences.some((aud) => audience.includes(aud))) {
      return refuse(`the token is for ${tokenAudiences.join(', ') || 'no audience'}, not ${audience.join(', ')}`);
    }
    const granted = [...listOf(claims['scope']).flatMap((s) => s.split(' ')), ...listOf(claims['scp'])].filter((s) => s !== '');
    if (scopes.length > 0 && !scopes.some((scope) => granted.includes(scope))) {
      return { refused: serviceAnswer(403, 'Forbidden', `the token has none of the route's scopes (${scopes.join(', ')})`) };
    }
    return {
      authorizer: {
        jwt: {
          claims: Object.fromEntries(Object.entries(claims).map(([key, value]) => [key, claimText(value)])),
          scopes: granted.length === 0 ? null : granted,
        },
      },
    };
  }

  /** The issuer's key set: its discovery document's `jwks_uri`, else `/.well-known/jwks.json`. */
  private keySetOf(jose: Jose, issuer: string): Promise<KeySet> {
    let keys = this.keySets.get(issuer);
    if (keys === undefined) {
      keys = (async () => {
        const base = issuer.replace(/\/$/, '');
        let uri = `${base}/.well-known/jwks.json`;
        try {
          const discovery = await fetch(`${base}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
          const document = discovery.ok ? ((await discovery.json()) as { jwks_uri?: unknown }) : {};
          if (typeof document.jwks_uri === 'string') uri = document.jwks_uri;
        } catch {
          // No discovery document: the usual place.
        }
        return jose.createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000 });
      })();
      this.keySets.set(issuer, keys);
    }
    return keys;
  }
}

/** API Gateway passes claims as strings: arrays in brackets, space-separated, as it writes them. */
function claimText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(claimText).join(' ')}]`;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function listOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function refuse(why: string): { refused: GatewayResponse } {
  const answer = serviceAnswer(401, 'Unauthorized', `JWT refused: ${why}`);
  return {
    refused: {
      ...answer,
      headers: [
        ...answer.headers,
        ['www-authenticate', `Bearer error="invalid_token" error_description="${why.replace(/"/g, "'")}"`],
      ],
    },
  };
}

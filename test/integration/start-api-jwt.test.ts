// JWT authorizers of the local HTTP API against a real issuer on 127.0.0.1: its OpenID discovery
// document and key set served here, tokens signed with jose. Valid tokens pass with their claims,
// and each way a token can be wrong is refused as API Gateway refuses it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const folder = join(root, 'test/fixtures/projects/sam-jwt');

/** start-api with the issuer given; resolves with the API's base URL once it is printed. */
async function startApi(
  issuer: string,
  extra: string[] = [],
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    [cli, 'start-api', '--port', '0', '--parameter-overrides', `Issuer=${issuer}`, ...extra],
    {
      cwd: folder,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (;;) {
    const url = /^HTTP API JwtApi \(stage \$default\): (http:\S+)$/m.exec(stderr)?.[1];
    if (url !== undefined) return { child, url, output: () => stderr };
    if (child.exitCode !== null) throw new Error(`start-api exited: ${stderr}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

function stop(child: ChildProcess | undefined): void {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
}

describe('a JWT authorizer, with the issuer on 127.0.0.1', () => {
  let issuerServer: Server;
  let issuer = '';
  let key: CryptoKey;
  let api: Awaited<ReturnType<typeof startApi>> | undefined;

  before(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    issuerServer = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
      else if (req.url === '/keys') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((done) => issuerServer.listen(0, '127.0.0.1', done));
    issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
    api = await startApi(issuer);
  });

  after(() => {
    stop(api?.child);
    issuerServer.close();
  });

  const token = (claims: Record<string, unknown>, options: { expiresIn?: string; signWith?: CryptoKey } = {}) =>
    new SignJWT({ client_id: 'shop-app', scope: 'orders/read profile', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer(typeof claims['iss'] === 'string' ? claims['iss'] : issuer)
      .setSubject('user-7')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(options.signWith ?? key);

  const get = (path: string, authorization?: string) =>
    fetch(`${api?.url ?? ''}${path}`, { headers: authorization === undefined ? {} : { Authorization: authorization } });

  test('a valid token, with or without "Bearer ", passes its claims and scopes to the function', async () => {
    for (const prefix of ['Bearer ', '']) {
      const answer = await get('/me', `${prefix}${await token({ groups: ['admin', 'dev'] })}`);
      assert.equal(answer.status, 200);
      const { jwt } = (await answer.json()) as { jwt: { claims: Record<string, string>; scopes: string[] } };
      assert.deepEqual(
        [jwt.claims['sub'], jwt.claims['iss'], jwt.claims['client_id'], jwt.claims['groups'], jwt.scopes],
        ['user-7', issuer, 'shop-app', '[admin dev]', ['orders/read', 'profile']],
      );
    }
  });

  test('refused with 401: no token, an expired one, another issuer, another audience, a signature by another key', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    const cases: [string, string | undefined][] = [
      ['no token', undefined],
      ['expired', await token({}, { expiresIn: '-1m' })],
      ['issuer', await token({ iss: 'https://elsewhere.example' })],
      ['audience', await token({ client_id: 'another-app' })],
      ['signature', await token({}, { signWith: other })],
    ];
    for (const [why, jwt] of cases) {
      const answer = await get('/me', jwt);
      assert.deepEqual([why, answer.status, await answer.json()], [why, 401, { message: 'Unauthorized' }]);
    }
  });

  test("a route's scopes: a token with none of them is 403", async () => {
    assert.equal((await get('/orders', await token({}))).status, 200);
    const answer = await get('/orders', await token({ scope: 'profile' }));
    assert.deepEqual([answer.status, await answer.json()], [403, { message: 'Forbidden' }]);
  });

  test('an issuer whose keys cannot be fetched: refused, unless --accept-unverified-tokens, which start-api says loudly', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    closed.close();
    const signed = await token({ iss: gone });
    const strict = await startApi(gone);
    try {
      const answer = await fetch(`${strict.url}/me`, { headers: { Authorization: signed } });
      assert.equal(answer.status, 401);
    } finally {
      stop(strict.child);
    }
    const lenient = await startApi(gone, ['--accept-unverified-tokens']);
    try {
      const answer = await fetch(`${lenient.url}/me`, { headers: { Authorization: signed } });
      assert.equal(answer.status, 200);
      assert.match(
        lenient.output(),
        /WARNING: --accept-unverified-tokens: a JWT whose issuer's keys cannot be fetched is accepted/,
      );
    } finally {
      stop(lenient.child);
    }
  });
});

// moto in server mode: a real AWS API (Lambda, IAM, CloudWatch Logs, S3...) on 127.0.0.1, for
// tests. Installed into .cache/venv by setup.mjs; each server is its own process group.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startGroup, waitForHttp } from './processes.mjs';
import { projectRoot } from './vscode.mjs';

export const motoServer = join(projectRoot, '.cache/venv/bin/moto_server');

/** Credentials moto accepts; they reach nothing but moto. */
export const motoCredentials = { accessKeyId: 'AKIDMOTOTEST', secretAccessKey: 'moto-secret-not-used' };

/** An editor's environment for moto: its keys, and AWS files that do not exist, so nothing of this machine's AWS setup is read. */
export function motoEditorEnv(scratch) {
  return {
    AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
    AWS_CONFIG_FILE: join(scratch, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
  };
}

/**
 * Starts moto on a free port with Docker off for Lambda (it answers Invoke by echoing the event).
 * With `enforceIamAfter`, moto checks IAM policies once that many AWS requests were served
 * (its INITIAL_NO_AUTH_ACTION_COUNT): the requests that create users come first, unchecked.
 * @param {{ enforceIamAfter?: number }} [options]
 * @returns {Promise<{ url: string, port: number, reset(): Promise<void>, stop(): Promise<void> }>}
 */
export async function startMoto({ enforceIamAfter } = {}) {
  if (!existsSync(motoServer)) throw new Error(`moto is not installed at ${motoServer}; run "npm run setup".`);
  const port = await freePort();
  const env =
    enforceIamAfter === undefined ? process.env : { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: String(enforceIamAfter) };
  const server = startGroup(motoServer, ['-H', '127.0.0.1', '-p', String(port)], { env });
  let alive = true;
  void server.exited.then(() => (alive = false));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/moto-api/`, 30_000, () => alive);
    await configure(url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url,
    port,
    async reset() {
      await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      await configure(url);
    },
    stop: () => server.stop(),
  };
}

/** Calls moto's IAM (query protocol) as the unchecked admin; returns the XML answer. */
async function iam(url, params) {
  const response = await fetch(`${url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDMOTOTEST/20260101/us-east-1/iam/aws4_request',
    },
    body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto refused ${params.Action}: ${response.status} ${text}`);
  return text;
}

/**
 * An IAM user allowed only `actions` (three IAM requests), for tests of access denied.
 * @returns {Promise<{ accessKeyId: string, secretAccessKey: string }>}
 */
export async function createLimitedUser(url, name, actions) {
  await iam(url, { Action: 'CreateUser', UserName: name });
  const key = await iam(url, { Action: 'CreateAccessKey', UserName: name });
  await iam(url, {
    Action: 'PutUserPolicy',
    UserName: name,
    PolicyName: 'limited',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),
  });
  return {
    accessKeyId: /<AccessKeyId>(.+?)</.exec(key)?.[1] ?? '',
    secretAccessKey: /<SecretAccessKey>(.+?)</.exec(key)?.[1] ?? '',
  };
}

/** The IAM role moto requires before it creates a function; returns its ARN. */
export async function createLambdaRole(url, name = 'lambda-role') {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const response = await fetch(`${url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDMOTOTEST/20260101/us-east-1/iam/aws4_request',
    },
    body: new URLSearchParams({
      Action: 'CreateRole',
      Version: '2010-05-08',
      RoleName: name,
      AssumeRolePolicyDocument: policy,
    }).toString(),
  });
  if (!response.ok) throw new Error(`moto did not create the role: ${response.status} ${await response.text()}`);
  return `arn:aws:iam::123456789012:role/${name}`;
}

async function configure(url) {
  const response = await fetch(`${url}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  if (!response.ok) throw new Error(`moto refused its configuration: ${response.status}`);
}

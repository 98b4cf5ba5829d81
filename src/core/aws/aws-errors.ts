// Failures of AWS calls turned into messages a developer can act on: what failed, why, and the
// next step. Every text taken from a foreign error goes through `redactSecrets` first, because
// credential_process output and signed requests can echo keys back.
import { WorkbenchError } from '../errors';
import type { AwsConnection } from './connection';

export type AwsErrorKind =
  'ssoExpired' | 'noCredentials' | 'invalidCredentials' | 'accessDenied' | 'unreachable' | 'throttled' | 'notFound' | 'service';

/** A step the editor can take for the user, offered as a button. */
export type AwsRemedy = { readonly kind: 'ssoLogin'; readonly profile?: string };

export class AwsError extends WorkbenchError {
  override name = 'AwsError';

  constructor(
    readonly kind: AwsErrorKind,
    message: string,
    readonly remedy?: AwsRemedy,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Access key ids (long-term AKIA, temporary ASIA), and secrets or tokens written as key=value or JSON.
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '***'],
  [/((?:secret|token|password|passwd|credential)[\w-]*["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1***'],
];

/** `text` with anything that looks like an access key, secret or token replaced by "***". */
export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((redacted, [pattern, replacement]) => redacted.replace(pattern, replacement), text);
}

interface ErrorFacts {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly status?: number;
  readonly attempts?: number;
}

/** Reads the fields the SDK and Node put on errors, following `cause` for network codes. */
function factsOf(error: unknown): ErrorFacts {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields = error as Error & {
    code?: unknown;
    Code?: unknown;
    $metadata?: { httpStatusCode?: number; attempts?: number };
  };
  let code = typeof fields.code === 'string' ? fields.code : typeof fields.Code === 'string' ? fields.Code : undefined;
  // fetch-style failures hide the socket error in `cause`.
  let cause: unknown = error.cause;
  for (let depth = 0; code === undefined && cause instanceof Error && depth < 4; depth++) {
    const causeCode = (cause as { code?: unknown }).code;
    if (typeof causeCode === 'string') code = causeCode;
    cause = cause.cause;
  }
  return {
    name: error.name,
    message: redactSecrets(error.message),
    ...(code === undefined ? {} : { code }),
    ...(fields.$metadata?.httpStatusCode === undefined ? {} : { status: fields.$metadata.httpStatusCode }),
    ...(fields.$metadata?.attempts === undefined ? {} : { attempts: fields.$metadata.attempts }),
  };
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPROTO: 'the TLS handshake failed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is self-signed',
};

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

const INVALID_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidAccessKeyId',
]);

export interface AwsCallDescription {
  /** What was being done, as a sentence start: "Listing the functions of us-east-1". */
  readonly doing: string;
  /** The IAM action the call needs, named when AWS's message does not name it. */
  readonly action?: string;
  /** The service host, for unreachable endpoints: "lambda". */
  readonly service?: string;
}

/** The endpoint a call went to, as the user would recognise it. */
export function endpointOf(connection: AwsConnection, service = 'lambda'): string {
  if (connection.endpointUrl !== undefined) return connection.endpointUrl;
  const domain = connection.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${service}.${connection.region}.${domain}`;
}

/** Turns any failure of an AWS call into an AwsError that says what to do; AwsErrors pass through. */
export function toAwsError(error: unknown, call: AwsCallDescription, connection: AwsConnection): AwsError {
  if (error instanceof AwsError) return error;
  const facts = factsOf(error);
  const options = { cause: error };
  const profile = connection.profile;
  const profileWords = profile === undefined ? 'the default credentials' : `the profile "${profile}"`;
  const loginCommand = `aws sso login${profile === undefined ? '' : ` --profile ${profile}`}`;
  const text = `${facts.name} ${facts.message}`;

  if (/sso/i.test(text) && /(expired|aws sso login|refresh)/i.test(text)) {
    return new AwsError(
      'ssoExpired',
      `${call.doing} failed: the SSO session of ${profileWords} has expired or was never started. Run "${loginCommand}", then try again.`,
      { kind: 'ssoLogin', ...(profile === undefined ? {} : { profile }) },
      options,
    );
  }
  if (
    facts.name === 'CredentialsProviderError' ||
    facts.name === 'TokenProviderError' ||
    /could not load credentials/i.test(text)
  ) {
    return new AwsError(
      'noCredentials',
      `${call.doing} failed: no AWS credentials could be loaded from ${profileWords} (${facts.message.replace(/\.$/, '')}). ` +
        'Choose another profile with "Lambda: Choose AWS Profile", or add credentials to your AWS config files.',
      undefined,
      options,
    );
  }
  if (INVALID_CREDENTIALS.has(facts.name) || (facts.code !== undefined && INVALID_CREDENTIALS.has(facts.code))) {
    return new AwsError(
      'invalidCredentials',
      `${call.doing} failed: AWS rejected the credentials of ${profileWords} (${facts.name}: ${facts.message}). ` +
        'They may be expired or for another partition; refresh them or choose another profile.',
      undefined,
      options,
    );
  }
  if (/AccessDenied/i.test(facts.name) || facts.status === 403 || /not authorized to perform/i.test(facts.message)) {
    const action = /perform:\s*([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(facts.message)?.[1] ?? call.action;
    const missing = action === undefined ? 'a permission it needs' : `the IAM permission ${action}`;
    return new AwsError(
      'accessDenied',
      `${call.doing} failed: ${profileWords} lacks ${missing}. Ask your administrator to allow it, or choose a profile that has it.`,
      undefined,
      options,
    );
  }
  if (THROTTLING.has(facts.name) || facts.status === 429) {
    const attempts = facts.attempts === undefined ? '' : ` after ${facts.attempts} attempts`;
    return new AwsError(
      'throttled',
      `${call.doing} failed: AWS is throttling requests (${facts.name})${attempts}. Wait a few seconds, then try again.`,
      undefined,
      options,
    );
  }
  const network = facts.code === undefined ? undefined : NETWORK_CODES[facts.code];
  if (network !== undefined || facts.name === 'TimeoutError' || /socket hang up|fetch failed/i.test(facts.message)) {
    return new AwsError(
      'unreachable',
      `${call.doing} failed: ${endpointOf(connection, call.service)} could not be reached (${network ?? facts.message}). ` +
        (connection.endpointUrl === undefined
          ? 'Check your network connection and proxy settings.'
          : 'Check that the endpoint is running, or change the "lambdaWorkbench.aws.endpointUrl" setting.'),
      undefined,
      options,
    );
  }
  if (facts.name === 'ResourceNotFoundException' || facts.status === 404) {
    return new AwsError('notFound', `${call.doing} failed: ${facts.message}`, undefined, options);
  }
  return new AwsError('service', `${call.doing} failed: ${facts.name}: ${facts.message}`, undefined, options);
}

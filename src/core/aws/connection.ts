// Which AWS account and region the extension talks to, and the SDK clients for it. Every SDK
// package is imported on first use, never at activation.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SchemasClient } from '@aws-sdk/client-schemas';

export interface AwsConnection {
  /** A profile of the shared config files; the SDK's default chain when absent. */
  readonly profile?: string;
  readonly region: string;
  /** Another endpoint than AWS's (LocalStack, moto, a proxy). */
  readonly endpointUrl?: string;
}

/** What the SDK calls to get credentials, refreshing them as they expire. */
export type CredentialProvider = ReturnType<typeof import('@aws-sdk/credential-providers').fromIni>;

export function describeConnection(connection: AwsConnection): string {
  const where = connection.endpointUrl === undefined ? connection.region : `${connection.region} at ${connection.endpointUrl}`;
  return `${connection.profile ?? 'default credentials'} in ${where}`;
}

/**
 * The credentials of a connection. A named profile is read from the shared files alone (static
 * keys, SSO, credential_process, assume-role chains, web identity), re-read on every resolution so
 * that an edit or an `aws sso login` takes effect without a restart; without a profile the SDK's
 * default chain applies (environment, default profile, container and instance metadata).
 */
export async function credentialProvider(connection: AwsConnection): Promise<CredentialProvider> {
  const { fromIni, fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  // Roles are assumed through STS at the same endpoint, so LocalStack or moto serve it too.
  const clientConfig = {
    region: connection.region,
    ...(connection.endpointUrl === undefined ? {} : { endpoint: connection.endpointUrl }),
  };
  if (connection.profile === undefined) return fromNodeProviderChain({ clientConfig });
  return fromIni({ profile: connection.profile, ignoreCache: true, clientConfig });
}

async function clientConfig(connection: AwsConnection) {
  return {
    region: connection.region,
    credentials: await credentialProvider(connection),
    ...(connection.endpointUrl === undefined ? {} : { endpoint: connection.endpointUrl }),
  };
}

export async function createLambdaClient(connection: AwsConnection): Promise<LambdaClient> {
  const [{ LambdaClient: Client }, config] = await Promise.all([import('@aws-sdk/client-lambda'), clientConfig(connection)]);
  return new Client(config);
}

export async function createSchemasClient(connection: AwsConnection): Promise<SchemasClient> {
  const [{ SchemasClient: Client }, config] = await Promise.all([import('@aws-sdk/client-schemas'), clientConfig(connection)]);
  return new Client(config);
}

export async function createLogsClient(connection: AwsConnection): Promise<CloudWatchLogsClient> {
  const [{ CloudWatchLogsClient: Client }, config] = await Promise.all([
    import('@aws-sdk/client-cloudwatch-logs'),
    clientConfig(connection),
  ]);
  // Live Tail's host prefix ("streaming-") only makes sense on AWS's own host names.
  return new Client({ ...config, disableHostPrefix: connection.endpointUrl !== undefined });
}

// Which AWS account and region the extension talks to, and the SDK clients for it. Every SDK
// package is imported on first use, never at activation.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SchemasClient } from '@aws-sdk/client-schemas';

export interface AwsConnection {
  /** A profile of the shared config files; the SDK's default chain when absent. */
  readonly profile?: string;
  readonly region: string;
  /** Another endpoint than AWS's (LocalStack, moto, a proxy). */
  readonly endpointUrl?: string;
}

export function describeConnection(connection: AwsConnection): string {
  const where = connection.endpointUrl === undefined ? connection.region : `${connection.region} at ${connection.endpointUrl}`;
  return `${connection.profile ?? 'default credentials'} in ${where}`;
}

async function clientConfig(connection: AwsConnection) {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return {
    region: connection.region,
    credentials: fromNodeProviderChain(connection.profile === undefined ? {} : { profile: connection.profile }),
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

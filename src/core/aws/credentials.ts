// AWS credentials resolved once, for callers that hand them to another process (the CLI passes
// them to the emulator's functions). The extension's clients resolve them lazily instead.
import { toAwsError } from './aws-errors';
import { credentialProvider } from './connection';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Resolves the credentials of a profile, or of the default chain when no profile is given. */
export async function resolveCredentials(profile?: string, region = 'us-east-1'): Promise<AwsCredentials> {
  const connection = { region, ...(profile === undefined ? {} : { profile }) };
  try {
    const credentials = await (await credentialProvider(connection))();
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    };
  } catch (error) {
    throw toAwsError(error, { doing: 'Loading AWS credentials' }, connection);
  }
}

// AWS credentials from the standard sources (environment, shared config and credentials files,
// SSO, credential_process, assumed roles), through the AWS SDK, which is loaded on first use.
import { WorkbenchError } from '../errors';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Resolves the credentials of a profile, or of the default chain when no profile is given. */
export async function resolveCredentials(profile?: string): Promise<AwsCredentials> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  try {
    const credentials = await fromNodeProviderChain(profile === undefined ? {} : { profile })();
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    };
  } catch (error) {
    const source = profile === undefined ? 'the default credential chain' : `the profile "${profile}"`;
    // The SDK's messages name what it looked for; they carry no secret.
    const reason = error instanceof Error ? error.message : String(error);
    throw new WorkbenchError(
      `No AWS credentials could be loaded from ${source}: ${reason} Check the profile in your AWS config files, or sign in (aws sso login${profile === undefined ? '' : ` --profile ${profile}`}).`,
      { cause: error },
    );
  }
}

// AWS credentials resolved once, for callers that hand them to another process (the CLI passes
// them to the emulator's functions). The extension's clients resolve them lazily instead.
import { WorkbenchError } from '../errors';
import { redactSecrets } from './aws-errors';
import { credentialProvider } from './connection';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Resolves the credentials of a profile, or of the default chain when no profile is given. */
export async function resolveCredentials(profile?: string, region = 'us-east-1'): Promise<AwsCredentials> {
  try {
    const credentials = await (await credentialProvider({ region, ...(profile === undefined ? {} : { profile }) }))();
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    };
  } catch (error) {
    const source = profile === undefined ? 'the default credential chain' : `the profile "${profile}"`;
    // A credential_process may echo what it printed; keep secrets out of the message.
    const reason = redactSecrets(error instanceof Error ? error.message : String(error));
    throw new WorkbenchError(
      `No AWS credentials could be loaded from ${source}: ${reason} Check the profile in your AWS config files, or sign in (aws sso login${profile === undefined ? '' : ` --profile ${profile}`}).`,
      { cause: error },
    );
  }
}

// Packages over the 50 MB Lambda takes in a request go through S3: PutObject into a bucket the
// user names, then UpdateFunctionCode points at it. The S3 client is imported on first use.
import type { S3Client } from '@aws-sdk/client-s3';
import { toAwsError } from '../aws/aws-errors';
import { credentialProvider, type AwsConnection } from '../aws/connection';

export async function createS3Client(connection: AwsConnection): Promise<S3Client> {
  const [{ S3Client: Client }, credentials] = await Promise.all([import('@aws-sdk/client-s3'), credentialProvider(connection)]);
  return new Client({
    region: connection.region,
    credentials,
    // Endpoints other than AWS's (LocalStack, moto) serve buckets by path, not by host name.
    ...(connection.endpointUrl === undefined ? {} : { endpoint: connection.endpointUrl, forcePathStyle: true }),
  });
}

/** The key a package is stored under: by function and content, so a retry overwrites the same object. */
export function packageKey(functionName: string, codeSha256: string): string {
  const hex = Buffer.from(codeSha256, 'base64').toString('hex');
  return `lambda-workbench/${functionName.replace(/[^\w.-]/g, '_')}/${hex}.zip`;
}

export async function uploadPackage(
  client: S3Client,
  connection: AwsConnection,
  bucket: string,
  key: string,
  zip: Buffer,
  signal?: AbortSignal,
): Promise<void> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  try {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: zip, ContentType: 'application/zip' }),
      signal === undefined ? {} : { abortSignal: signal },
    );
  } catch (error) {
    throw toAwsError(
      error,
      { doing: `Uploading the package to s3://${bucket}/${key}`, action: 's3:PutObject', service: 's3' },
      connection,
    );
  }
}

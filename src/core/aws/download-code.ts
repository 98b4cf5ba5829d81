// Download Code: the deployment package of a function, fetched from the short-lived link GetFunction
// returns and unpacked into a new folder.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkbenchError } from '../errors';
import { extractZip, type ExtractResult } from '../zip/read-zip';

export interface DownloadedCode extends ExtractResult {
  readonly folder: string;
}

/** `parent/name`, or `parent/name-2`, `-3`... : the first that does not exist yet. */
export async function freeFolder(parent: string, name: string): Promise<string> {
  for (let suffix = 1; ; suffix++) {
    const candidate = join(parent, suffix === 1 ? name : `${name}-${suffix}`);
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

export async function downloadFunctionCode(
  client: LambdaClient,
  functionName: string,
  qualifier: string | undefined,
  folder: string,
): Promise<DownloadedCode> {
  const { GetFunctionCommand } = await import('@aws-sdk/client-lambda');
  const output = await client.send(
    new GetFunctionCommand({ FunctionName: functionName, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) }),
  );
  if (output.Code?.ImageUri !== undefined || output.Configuration?.PackageType === 'Image') {
    throw new WorkbenchError(
      `${functionName} is packaged as a container image${output.Code?.ImageUri === undefined ? '' : ` (${output.Code.ImageUri})`}, ` +
        'so it has no .zip to download. Pull the image with Docker to look inside it.',
    );
  }
  const location = output.Code?.Location;
  if (location === undefined || location === '') {
    throw new WorkbenchError(
      `Lambda returned no download link for the code of ${functionName}. Try again, or download it from the console.`,
    );
  }
  let response: Response;
  try {
    response = await fetch(location);
  } catch (error) {
    // The link is signed; its query string is a credential and must not reach the message.
    throw new WorkbenchError(`The code of ${functionName} could not be downloaded from ${new URL(location).host}.`, {
      cause: error,
    });
  }
  if (!response.ok) {
    throw new WorkbenchError(
      `The code of ${functionName} could not be downloaded: ${new URL(location).host} answered ${response.status} ${response.statusText}. The link lasts 10 minutes; try again.`,
    );
  }
  const zip = Buffer.from(await response.arrayBuffer());
  return { folder, ...(await extractZip(zip, folder)) };
}

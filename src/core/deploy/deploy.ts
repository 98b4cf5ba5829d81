// Deploy: a built deployment package becomes the code of a function in AWS. GetFunction first (the
// function exists, its runtime and handler fit the package, its CodeSha256 differs: an unchanged
// function is left alone), then UpdateFunctionCode (inline up to 50 MB, through S3 above), the
// SDK's waiter until Lambda has applied it, a check that Lambda holds exactly the bytes sent, and
// optionally PublishVersion and an alias moved to it.
//
// Nothing is claimed that did not happen: a failure or a cancellation after the upload throws a
// DeployError carrying the function's state as Lambda reports it (LastUpdateStatus and reason).
import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { AwsError, toAwsError } from '../aws/aws-errors';
import { describeConnection, type AwsConnection } from '../aws/connection';
import {
  createPackageBuilder,
  type DeploymentPackage,
  type PackageOptions,
  type PackageStep,
} from '../bundle/deployment-package';
import { WorkbenchError } from '../errors';
import type { FunctionConfig } from '../function-config';
import { packageMismatch } from './package-fit';
import { createS3Client, packageKey, uploadPackage } from './s3-upload';

export type DeployStep = PackageStep | 'comparing' | 'uploading' | 'waiting' | 'publishing' | 'alias';

export interface DeployProgress {
  readonly step: DeployStep;
  /** A sentence for a progress notification or a terminal. */
  readonly message: string;
}

/** Lambda's limit for a package sent inline with UpdateFunctionCode. */
export const MAX_INLINE_ZIP_BYTES = 50 * 1024 * 1024;

export interface DeployOptions {
  /** The deployed function: name or ARN. */
  readonly functionName: string;
  /** The account it lives in; named in messages, and used for the S3 client. */
  readonly connection: AwsConnection;
  /** Publish a version of the new code. */
  readonly publish?: boolean;
  /** Point this alias (created when missing) at the published version; implies `publish`. */
  readonly alias?: string;
  /** Bucket for packages over the inline limit. */
  readonly s3Bucket?: string;
  readonly s3Client?: S3Client;
  /** Packages larger than this go through S3 (default and maximum: Lambda's 50 MB). */
  readonly maxInlineBytes?: number;
  /** How long to wait for Lambda to apply the code (default 300 s). */
  readonly waitSeconds?: number;
  /** How many times a call refused with ResourceConflictException (another update in progress) is retried (default 5). */
  readonly conflictRetries?: number;
  /** Checked between steps; an upload that has started is finished and reported, never abandoned. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DeployProgress) => void;
}

export interface DeployResult {
  readonly functionName: string;
  readonly codeSha256: string;
  /** Bytes of the package. */
  readonly bytes: number;
  readonly durationMs: number;
  /** True when the function already had this code: nothing was uploaded. */
  readonly skipped: boolean;
  readonly version?: string;
  readonly alias?: string;
  /** Variables the package recommends that the function lacks, with the value to set (NODE_OPTIONS for source maps). */
  readonly missingEnvironment: Readonly<Record<string, string>>;
}

/** The function as Lambda reports it after a failed or cancelled deploy. */
export interface FunctionState {
  /** Whether the new code reached Lambda. */
  readonly uploaded: boolean;
  readonly codeSha256?: string;
  readonly lastUpdateStatus?: string;
  readonly lastUpdateStatusReason?: string;
  readonly lastUpdateStatusReasonCode?: string;
  readonly version?: string;
}

export class DeployError extends WorkbenchError {
  override name = 'DeployError';

  constructor(
    message: string,
    readonly step: DeployStep,
    readonly state: FunctionState,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The user cancelled; `state` says whether anything reached the function. */
export class DeployCancelledError extends DeployError {
  override name = 'DeployCancelledError';
}

/** Builds the local function's package and deploys it, reporting every step to one callback. */
export async function deployLocalFunction(
  client: LambdaClient,
  config: FunctionConfig,
  options: DeployOptions & Omit<PackageOptions, 'onProgress'>,
): Promise<DeployResult & { readonly package: DeploymentPackage }> {
  const builder = createPackageBuilder(config, {
    ...options,
    onProgress: (step) => {
      if (options.signal?.aborted === true) return;
      options.onProgress?.({
        step,
        message: step === 'bundling' ? `Bundling ${config.name} with esbuild.` : `Zipping the code of ${config.name}.`,
      });
    },
  });
  try {
    const pkg = await builder.build();
    return { ...(await deployPackage(client, pkg, options)), package: pkg };
  } finally {
    await builder.dispose();
  }
}

export async function deployPackage(client: LambdaClient, pkg: DeploymentPackage, options: DeployOptions): Promise<DeployResult> {
  return new Deployment(client, pkg, options).run();
}

class Deployment {
  private readonly started = performance.now();
  private readonly name: string;
  private readonly where: string;
  private uploaded = false;
  private version: string | undefined;

  constructor(
    private readonly client: LambdaClient,
    private readonly pkg: DeploymentPackage,
    private readonly options: DeployOptions,
  ) {
    this.name = options.functionName;
    this.where = describeConnection(options.connection);
  }

  async run(): Promise<DeployResult> {
    await this.checkCancelled();
    this.report('comparing', `Comparing with ${this.name} (${this.where}).`);
    const deployed = await this.getFunction();
    const mismatch = packageMismatch(
      this.pkg,
      {
        ...(deployed.Runtime === undefined ? {} : { runtime: deployed.Runtime }),
        ...(deployed.Handler === undefined ? {} : { handler: deployed.Handler }),
        ...(deployed.PackageType === undefined ? {} : { packageType: deployed.PackageType }),
      },
      this.name,
    );
    if (mismatch !== undefined) throw new DeployError(`${mismatch} Nothing was uploaded.`, 'comparing', { uploaded: false });
    // A failed update may have left these very bytes behind without applying them: upload again.
    const skipped = deployed.CodeSha256 === this.pkg.codeSha256 && deployed.LastUpdateStatus !== 'Failed';
    if (skipped) {
      this.report('comparing', `${this.name} is already up to date (CodeSha256 ${this.pkg.codeSha256}); nothing was uploaded.`);
    } else {
      await this.upload(deployed);
      await this.waitUntilApplied();
    }
    const publish = this.options.publish === true || this.options.alias !== undefined;
    if (publish) {
      await this.checkCancelled();
      this.version = await this.publish();
    }
    if (this.options.alias !== undefined && this.version !== undefined) {
      await this.checkCancelled();
      await this.moveAlias(this.options.alias, this.version);
    }
    return {
      functionName: this.name,
      codeSha256: this.pkg.codeSha256,
      bytes: this.pkg.bytes,
      durationMs: performance.now() - this.started,
      skipped,
      ...(this.version === undefined ? {} : { version: this.version }),
      ...(this.options.alias === undefined ? {} : { alias: this.options.alias }),
      missingEnvironment: missingEnvironment(this.pkg.recommendedEnvironment, deployed.Environment?.Variables ?? {}),
    };
  }

  private report(step: DeployStep, message: string): void {
    this.options.onProgress?.({ step, message });
  }

  private async sdk() {
    return import('@aws-sdk/client-lambda');
  }

  private async getFunction(): Promise<FunctionConfiguration> {
    const { GetFunctionCommand } = await this.sdk();
    try {
      const output = await this.client.send(new GetFunctionCommand({ FunctionName: this.name }), this.abortOption());
      return output.Configuration ?? {};
    } catch (error) {
      await this.checkCancelled();
      const failure = toAwsError(
        error,
        { doing: `Looking up the function ${this.name} (${this.where})`, action: 'lambda:GetFunction' },
        this.options.connection,
      );
      if (failure.kind !== 'notFound') throw failure;
      throw new AwsError(
        'notFound',
        `There is no function "${this.name}" in ${this.where}, so nothing was deployed. ` +
          'Create it first (sam deploy, the console, or aws lambda create-function), or check the function name, profile and region.',
        undefined,
        { cause: error },
      );
    }
  }

  private async upload(deployed: FunctionConfiguration): Promise<void> {
    const limit = Math.min(this.options.maxInlineBytes ?? MAX_INLINE_ZIP_BYTES, MAX_INLINE_ZIP_BYTES);
    const viaS3 = this.pkg.bytes > limit;
    if (viaS3 && this.options.s3Bucket === undefined) {
      throw new DeployError(
        `The package is ${megabytes(this.pkg.bytes)}, over the ${megabytes(limit)} Lambda accepts in a request. ` +
          'Name an S3 bucket in the same region to upload it through (--s3-bucket), or make the package smaller. Nothing was uploaded.',
        'uploading',
        { uploaded: false },
      );
    }
    if (deployed.LastUpdateStatus === 'InProgress') {
      this.report('waiting', `${this.name} is being updated; waiting for that update to finish first.`);
      await this.waitForIdle();
    }
    await this.checkCancelled();
    this.report('uploading', `Uploading ${megabytes(this.pkg.bytes)} to ${this.name}${viaS3 ? ' through S3' : ''}.`);
    const code = viaS3 ? await this.stageInS3() : { ZipFile: this.pkg.zip };
    const { UpdateFunctionCodeCommand } = await this.sdk();
    // No abort signal from here: an upload that has started is seen through and its outcome reported.
    const output = await this.withConflictRetry('uploading', 'lambda:UpdateFunctionCode', () =>
      this.client.send(new UpdateFunctionCodeCommand({ FunctionName: this.name, ...code })),
    );
    this.uploaded = true;
    if (output.CodeSha256 !== this.pkg.codeSha256) {
      throw new DeployError(
        `Lambda stored code with CodeSha256 ${output.CodeSha256 ?? 'unknown'} for ${this.name}, not the ${this.pkg.codeSha256} that was built, ` +
          'so the upload cannot be trusted. Deploy again; if it happens again, check what else updates this function.',
        'uploading',
        await this.state(),
      );
    }
  }

  private async stageInS3(): Promise<{ S3Bucket: string; S3Key: string }> {
    const bucket = this.options.s3Bucket ?? '';
    const key = packageKey(this.name, this.pkg.codeSha256);
    const client = this.options.s3Client ?? (await createS3Client(this.options.connection));
    try {
      await uploadPackage(client, this.options.connection, bucket, key, this.pkg.zip, this.options.signal);
    } catch (error) {
      await this.checkCancelled();
      throw error;
    } finally {
      if (this.options.s3Client === undefined) client.destroy();
    }
    return { S3Bucket: bucket, S3Key: key };
  }

  private async waitUntilApplied(): Promise<void> {
    if (this.options.signal?.aborted === true) await this.checkCancelled();
    this.report('waiting', `Waiting for Lambda to apply the new code of ${this.name}.`);
    const { waitUntilFunctionUpdatedV2 } = await this.sdk();
    try {
      await waitUntilFunctionUpdatedV2(
        {
          client: this.client,
          maxWaitTime: this.options.waitSeconds ?? 300,
          ...(this.options.signal === undefined ? {} : { abortSignal: this.options.signal }),
        },
        { FunctionName: this.name },
      );
    } catch (error) {
      await this.checkCancelled();
      const state = await this.state();
      if (state.lastUpdateStatus === 'Failed') {
        const reason = [state.lastUpdateStatusReasonCode, state.lastUpdateStatusReason].filter(Boolean).join(': ');
        throw new DeployError(
          `The new code of ${this.name} was uploaded, but Lambda failed to apply it: LastUpdateStatus is Failed` +
            `${reason === '' ? '' : ` (${reason})`}. No version was published and no alias was moved. ` +
            'Fix the cause Lambda gives, then deploy again.',
          'waiting',
          state,
          { cause: error },
        );
      }
      throw new DeployError(
        `The new code of ${this.name} was uploaded, but Lambda had not applied it after ${this.options.waitSeconds ?? 300} s ` +
          `(LastUpdateStatus ${state.lastUpdateStatus ?? 'unknown'}). No version was published and no alias was moved. ` +
          'Check the function in the console, then deploy again.',
        'waiting',
        state,
        { cause: error },
      );
    }
    const state = await this.state();
    if (state.codeSha256 !== this.pkg.codeSha256) {
      throw new DeployError(
        `${this.name} now has code with CodeSha256 ${state.codeSha256 ?? 'unknown'}, not the ${this.pkg.codeSha256} that was uploaded: ` +
          'something else updated it meanwhile. No version was published and no alias was moved. Deploy again.',
        'waiting',
        state,
      );
    }
  }

  private async publish(): Promise<string> {
    this.report('publishing', `Publishing a version of ${this.name}.`);
    const { PublishVersionCommand } = await this.sdk();
    // CodeSha256 makes Lambda refuse to publish if the code changed since it was checked.
    const output = await this.withConflictRetry('publishing', 'lambda:PublishVersion', () =>
      this.client.send(new PublishVersionCommand({ FunctionName: this.name, CodeSha256: this.pkg.codeSha256 })),
    );
    if (output.Version === undefined) {
      throw new DeployError(`Lambda published no version of ${this.name}. Publish one from the console.`, 'publishing', {
        uploaded: this.uploaded,
      });
    }
    return output.Version;
  }

  private async moveAlias(alias: string, version: string): Promise<void> {
    this.report('alias', `Pointing the alias ${alias} of ${this.name} at version ${version}.`);
    const { CreateAliasCommand, UpdateAliasCommand } = await this.sdk();
    try {
      await this.withConflictRetry('alias', 'lambda:UpdateAlias', () =>
        this.client.send(new UpdateAliasCommand({ FunctionName: this.name, Name: alias, FunctionVersion: version })),
      );
    } catch (error) {
      const failure = error instanceof DeployError ? error.cause : error;
      if (!(failure instanceof AwsError) || failure.kind !== 'notFound') throw error;
      await this.withConflictRetry('alias', 'lambda:CreateAlias', () =>
        this.client.send(new CreateAliasCommand({ FunctionName: this.name, Name: alias, FunctionVersion: version })),
      );
    }
  }

  /**
   * Runs `call`, retrying while Lambda answers ResourceConflictException (another update of the
   * function is in progress): each retry waits for the function to be idle, a bounded number of times.
   */
  private async withConflictRetry<T>(step: DeployStep, action: string, call: () => Promise<T>): Promise<T> {
    const retries = this.options.conflictRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (isConflict(error) && attempt < retries) {
          this.report(step, `${this.name} is busy with another update; trying again when it is done.`);
          await sleep(Math.min(250 * 2 ** attempt, 4000));
          await this.waitForIdle();
          continue;
        }
        const failure = toAwsError(error, { doing: doingOf(step, this.name), action }, this.options.connection);
        // While nothing has changed, the AwsError says all there is to say.
        if (!this.uploaded && this.version === undefined) throw failure;
        throw new DeployError(
          `${failure.message} The new code is in place (CodeSha256 ${this.pkg.codeSha256})` +
            `${this.version === undefined ? '' : ` and version ${this.version} was published`}, but this step did not happen.`,
          step,
          await this.state(),
          { cause: failure },
        );
      }
    }
  }

  private async waitForIdle(): Promise<void> {
    const { waitUntilFunctionUpdatedV2 } = await this.sdk();
    try {
      await waitUntilFunctionUpdatedV2(
        { client: this.client, maxWaitTime: this.options.waitSeconds ?? 300 },
        { FunctionName: this.name },
      );
    } catch {
      // Failed or still busy: the call that follows says what Lambda thinks of it.
    }
  }

  /** What Lambda reports now; after a failure, what it said is worth more than a second failure. */
  private async state(): Promise<FunctionState> {
    const base = { uploaded: this.uploaded, ...(this.version === undefined ? {} : { version: this.version }) };
    try {
      const { GetFunctionConfigurationCommand } = await this.sdk();
      const config = await this.client.send(new GetFunctionConfigurationCommand({ FunctionName: this.name }));
      return {
        ...base,
        ...(config.CodeSha256 === undefined ? {} : { codeSha256: config.CodeSha256 }),
        ...(config.LastUpdateStatus === undefined ? {} : { lastUpdateStatus: config.LastUpdateStatus }),
        ...(config.LastUpdateStatusReason === undefined ? {} : { lastUpdateStatusReason: config.LastUpdateStatusReason }),
        ...(config.LastUpdateStatusReasonCode === undefined
          ? {}
          : { lastUpdateStatusReasonCode: config.LastUpdateStatusReasonCode }),
      };
    } catch {
      return base;
    }
  }

  private abortOption(): { abortSignal?: AbortSignal } {
    return this.options.signal === undefined ? {} : { abortSignal: this.options.signal };
  }

  /** Stops here when the user cancelled, saying what reached the function. */
  private async checkCancelled(): Promise<void> {
    if (this.options.signal?.aborted !== true) return;
    if (!this.uploaded) {
      throw new DeployCancelledError(
        `Deploying to ${this.name} was cancelled before anything was uploaded; the function is unchanged.`,
        'comparing',
        {
          uploaded: false,
        },
      );
    }
    const state = await this.state();
    throw new DeployCancelledError(
      `Deploying to ${this.name} was cancelled after the new code was uploaded: the function has CodeSha256 ` +
        `${state.codeSha256 ?? 'unknown'} (LastUpdateStatus ${state.lastUpdateStatus ?? 'unknown'})` +
        (this.version === undefined ? ', and no version was published' : `, and version ${this.version} was published`) +
        `${this.options.alias === undefined ? '' : `; the alias ${this.options.alias} was not moved`}.`,
      'waiting',
      state,
    );
  }
}

function doingOf(step: DeployStep, name: string): string {
  switch (step) {
    case 'uploading':
      return `Updating the code of ${name}`;
    case 'publishing':
      return `Publishing a version of ${name}`;
    case 'alias':
      return `Moving an alias of ${name}`;
    default:
      return `Deploying to ${name}`;
  }
}

function isConflict(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'ResourceConflictException' || status === 409;
}

/** For each recommended variable the function lacks, the value to set (added to what it has). */
function missingEnvironment(
  recommended: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
): Record<string, string> {
  const missing: Record<string, string> = {};
  for (const [key, value] of Object.entries(recommended)) {
    const existing = current[key];
    if (existing === undefined || existing.trim() === '') missing[key] = value;
    else if (!existing.split(/\s+/).includes(value)) missing[key] = `${existing} ${value}`;
  }
  return missing;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

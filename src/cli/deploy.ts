// `deploy`: a function's new code, bundled and made the code of a deployed function.
import { parseArgs } from 'node:util';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaClient, type AwsConnection } from '../core/aws/connection';
import { readProfiles } from '../core/aws/profiles';
import { buildDeploymentPackage, languageOf } from '../core/bundle/deployment-package';
import { deployPackage, type DeployProgress } from '../core/deploy/deploy';
import { type FunctionConfig } from '../core/function-config';
import { isRuntime } from '../core/runtimes';
import { UsageError } from './options';
import { PACKAGE_OPTIONS, packageTarget, packageOptions, printPackage } from './package';

export async function deploy(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...PACKAGE_OPTIONS,
      to: { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      'endpoint-url': { type: 'string' },
      publish: { type: 'boolean', default: false },
      alias: { type: 'string' },
      's3-bucket': { type: 'string' },
    },
  });
  const [name] = positionals;
  if (name === undefined || positionals.length > 1) {
    throw new UsageError(
      'deploy takes one function or handler file, e.g. "lambda-workbench deploy HelloFunction --to hello-prod".',
    );
  }
  const target = await packageTarget(name, values);
  const remote = values.to ?? target.remoteName;
  if (remote === undefined) {
    throw new UsageError(
      `${target.config.name} does not say which deployed function it is. Pass --to <function name>, or give it a FunctionName in the template.`,
    );
  }
  const connection: AwsConnection = {
    region:
      values.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? (await profileRegion(values.profile)),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values['endpoint-url'] === undefined ? {} : { endpointUrl: values['endpoint-url'] }),
  };
  const client = await createLambdaClient(connection);
  // Ctrl+C stops between steps; an upload under way is finished and the function's state reported.
  const cancel = new AbortController();
  const onInterrupt = () => {
    process.stderr.write('Cancelling after the current step...\n');
    cancel.abort();
  };
  process.once('SIGINT', onInterrupt);
  try {
    const config = target.runtimeAssumed ? await withDeployedRuntime(client, remote, target.config) : target.config;
    const report = ({ message }: DeployProgress) => process.stderr.write(`${message}\n`);
    const pkg = await buildDeploymentPackage(config, {
      ...packageOptions(target, values),
      onProgress: (step) =>
        report({ step, message: step === 'bundling' ? `Bundling ${config.name}.` : `Zipping ${config.name}.` }),
    });
    printPackage(pkg);
    const result = await deployPackage(client, pkg, {
      functionName: remote,
      connection,
      publish: values.publish,
      ...(values.alias === undefined ? {} : { alias: values.alias }),
      ...(values['s3-bucket'] === undefined ? {} : { s3Bucket: values['s3-bucket'] }),
      signal: cancel.signal,
      onProgress: report,
    });
    for (const [key, value] of Object.entries(result.missingEnvironment)) {
      process.stderr.write(`note: set ${key}=${value} on ${remote}, so stack traces use the source map.\n`);
    }
    const published = `${result.version === undefined ? '' : `, version ${result.version}`}${result.alias === undefined ? '' : `, alias ${result.alias}`}`;
    process.stdout.write(
      result.skipped
        ? `${remote} is already up to date: CodeSha256 ${result.codeSha256}; nothing was uploaded${published}.\n`
        : `Deployed ${remote}: CodeSha256 ${result.codeSha256}, ${result.bytes} bytes, in ${result.durationMs.toFixed(0)} ms${published}.\n`,
    );
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    client.destroy();
  }
}

/** The region of a profile in the shared config files, else us-east-1. */
export async function profileRegion(profile: string | undefined): Promise<string> {
  const catalog = await readProfiles();
  return catalog.profiles.find((p) => p.name === (profile ?? 'default'))?.region ?? 'us-east-1';
}

/** A lone handler file is built for the runtime of the function it replaces, when that is of its language. */
export async function withDeployedRuntime(client: LambdaClient, remote: string, config: FunctionConfig): Promise<FunctionConfig> {
  const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  try {
    const deployed = (await client.send(new GetFunctionConfigurationCommand({ FunctionName: remote }))).Runtime;
    if (deployed !== undefined && isRuntime(deployed) && languageOf(deployed) === languageOf(config.runtime)) {
      return { ...config, runtime: deployed };
    }
  } catch {
    // The deploy's own lookup of the function reports what is wrong.
  }
  return config;
}

// Output piped into a command that stops reading early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// What the Functions view shows of a deployed function, read with the Lambda API one question at a
// time: the list of functions page by page, then a function's configuration, its versions and its
// aliases only when the developer expands it. Environment variable values are never kept: the
// view holds their names, and a value is fetched when the developer asks to reveal it.
import type { AliasConfiguration, FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';

export interface DeployedFunction {
  readonly name: string;
  readonly arn: string;
  /** Absent for container image functions. */
  readonly runtime?: string;
  readonly packageType: 'Zip' | 'Image';
  readonly handler?: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly architecture: string;
  readonly codeSizeBytes: number;
  readonly lastModified?: string;
  readonly description: string;
  /** Pending, Active, Inactive or Failed, with the reason when not Active. */
  readonly state?: string;
  readonly stateReason?: string;
  readonly role?: string;
  readonly environmentNames: readonly string[];
  readonly layers: readonly { readonly arn: string; readonly codeSizeBytes?: number }[];
  readonly vpc?: { readonly vpcId?: string; readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
  readonly ephemeralStorageMb?: number;
  readonly tracing?: string;
  readonly version?: string;
}

export interface FunctionDetails {
  readonly fn: DeployedFunction;
  /** Reserved concurrency; absent when the function draws on the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  readonly imageUri?: string;
}

export interface FunctionVersion {
  readonly version: string;
  readonly description: string;
  readonly lastModified?: string;
  readonly codeSha256?: string;
  readonly arn: string;
}

export interface FunctionAlias {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  /** Versions besides `version` that get a share of the traffic, with their weights (0..1). */
  readonly additionalWeights: readonly { readonly version: string; readonly weight: number }[];
  readonly arn: string;
}

export interface FunctionPage {
  readonly functions: readonly DeployedFunction[];
  readonly nextMarker?: string;
}

/** Lambda's maximum page size for ListFunctions. */
export const FUNCTIONS_PAGE_SIZE = 50;

export function toDeployedFunction(config: FunctionConfiguration): DeployedFunction {
  const vpc = config.VpcConfig;
  const hasVpc = vpc !== undefined && ((vpc.SubnetIds?.length ?? 0) > 0 || (vpc.VpcId ?? '') !== '');
  return {
    name: config.FunctionName ?? '',
    arn: config.FunctionArn ?? '',
    ...(config.Runtime === undefined ? {} : { runtime: config.Runtime }),
    packageType: config.PackageType === 'Image' ? 'Image' : 'Zip',
    ...(config.Handler === undefined ? {} : { handler: config.Handler }),
    memoryMb: config.MemorySize ?? 128,
    timeoutSeconds: config.Timeout ?? 3,
    architecture: config.Architectures?.[0] ?? 'x86_64',
    codeSizeBytes: config.CodeSize ?? 0,
    ...(config.LastModified === undefined ? {} : { lastModified: config.LastModified }),
    description: config.Description ?? '',
    ...(config.State === undefined ? {} : { state: config.State }),
    ...(config.StateReason === undefined ? {} : { stateReason: config.StateReason }),
    ...(config.Role === undefined ? {} : { role: config.Role }),
    environmentNames: Object.keys(config.Environment?.Variables ?? {}).sort(),
    layers: (config.Layers ?? []).map((layer) => ({
      arn: layer.Arn ?? '',
      ...(layer.CodeSize === undefined ? {} : { codeSizeBytes: layer.CodeSize }),
    })),
    ...(hasVpc
      ? {
          vpc: {
            ...(vpc.VpcId ? { vpcId: vpc.VpcId } : {}),
            subnetIds: vpc.SubnetIds ?? [],
            securityGroupIds: vpc.SecurityGroupIds ?? [],
          },
        }
      : {}),
    ...(config.EphemeralStorage?.Size === undefined ? {} : { ephemeralStorageMb: config.EphemeralStorage.Size }),
    ...(config.TracingConfig?.Mode === undefined ? {} : { tracing: config.TracingConfig.Mode }),
    ...(config.Version === undefined ? {} : { version: config.Version }),
  };
}

/** One page of the region's functions; `marker` continues where the previous page ended. */
export async function listFunctionsPage(client: LambdaClient, marker?: string, signal?: AbortSignal): Promise<FunctionPage> {
  const { ListFunctionsCommand } = await import('@aws-sdk/client-lambda');
  const page = await client.send(
    new ListFunctionsCommand({ MaxItems: FUNCTIONS_PAGE_SIZE, ...(marker === undefined ? {} : { Marker: marker }) }),
    signal === undefined ? {} : { abortSignal: signal },
  );
  return {
    functions: (page.Functions ?? []).map(toDeployedFunction),
    ...(page.NextMarker ? { nextMarker: page.NextMarker } : {}),
  };
}

/** A function's current configuration and reserved concurrency; throws ResourceNotFoundException when it is gone. */
export async function getFunctionDetails(client: LambdaClient, name: string): Promise<FunctionDetails> {
  const { GetFunctionCommand } = await import('@aws-sdk/client-lambda');
  const output = await client.send(new GetFunctionCommand({ FunctionName: name }));
  const reserved = output.Concurrency?.ReservedConcurrentExecutions;
  return {
    fn: toDeployedFunction(output.Configuration ?? {}),
    ...(reserved === undefined ? {} : { reservedConcurrency: reserved }),
    ...(output.Code?.ImageUri === undefined ? {} : { imageUri: output.Code.ImageUri }),
  };
}

/** The value of one environment variable, read fresh when the developer asks to see it. */
export async function getEnvironmentValue(
  client: LambdaClient,
  functionName: string,
  variable: string,
): Promise<string | undefined> {
  const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  return config.Environment?.Variables?.[variable];
}

/** The published versions, newest first; $LATEST is the function itself and is left out. */
export async function listVersions(client: LambdaClient, functionName: string): Promise<FunctionVersion[]> {
  const { ListVersionsByFunctionCommand } = await import('@aws-sdk/client-lambda');
  const versions: FunctionVersion[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(
      new ListVersionsByFunctionCommand({ FunctionName: functionName, ...(marker === undefined ? {} : { Marker: marker }) }),
    );
    for (const config of page.Versions ?? []) {
      if (config.Version === undefined || config.Version === '$LATEST') continue;
      versions.push({
        version: config.Version,
        description: config.Description ?? '',
        ...(config.LastModified === undefined ? {} : { lastModified: config.LastModified }),
        ...(config.CodeSha256 === undefined ? {} : { codeSha256: config.CodeSha256 }),
        arn: config.FunctionArn ?? '',
      });
    }
    marker = page.NextMarker || undefined;
  } while (marker !== undefined);
  return versions.sort((a, b) => Number(b.version) - Number(a.version));
}

export function toFunctionAlias(alias: AliasConfiguration): FunctionAlias {
  const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
  return {
    name: alias.Name ?? '',
    version: alias.FunctionVersion ?? '',
    description: alias.Description ?? '',
    additionalWeights: Object.entries(weights).map(([version, weight]) => ({ version, weight })),
    arn: alias.AliasArn ?? '',
  };
}

export async function listAliases(client: LambdaClient, functionName: string): Promise<FunctionAlias[]> {
  const { ListAliasesCommand } = await import('@aws-sdk/client-lambda');
  const aliases: FunctionAlias[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(
      new ListAliasesCommand({ FunctionName: functionName, ...(marker === undefined ? {} : { Marker: marker }) }),
    );
    aliases.push(...(page.Aliases ?? []).map(toFunctionAlias));
    marker = page.NextMarker || undefined;
  } while (marker !== undefined);
  return aliases.sort((a, b) => a.name.localeCompare(b.name));
}

/** "2 (90%), 1 (10%)": where an alias sends its traffic. */
export function describeRouting(alias: FunctionAlias): string {
  if (alias.additionalWeights.length === 0) return alias.version;
  const others = alias.additionalWeights.reduce((sum, { weight }) => sum + weight, 0);
  const percent = (weight: number) => `${Math.round(weight * 1000) / 10}%`;
  return [
    `${alias.version} (${percent(1 - others)})`,
    ...alias.additionalWeights.map(({ version, weight }) => `${version} (${percent(weight)})`),
  ].join(', ');
}

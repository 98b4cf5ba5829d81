// An AWS CDK cloud assembly (`cdk.out`): the stacks `cdk synth` wrote, and where each asset's
// files are. A synthesized template names its functions' code and its nested stacks' templates by
// S3 object keys; the assembly's asset manifests (`<stack>.assets.json`) say which folder or file
// of the assembly each key is made from. (`cdk synth` also puts `aws:asset:path` in resources'
// Metadata; an app synthesized without the CLI does not, so the manifests are the source here.)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocatedError } from '../errors';

export const CLOUD_ASSEMBLY_MANIFEST = 'manifest.json';

/** Files of an assembly by the S3 object key a template names them with, as absolute paths. */
export type AssemblyAssets = ReadonlyMap<string, string>;

const assetsByFolder = new Map<string, { read: number; assets: AssemblyAssets }>();

/**
 * The assets of the cloud assembly `folder` holds, by object key; empty when the folder has no
 * asset manifest (a template that is not CDK's). Read once per folder and manifest change.
 */
export function assemblyAssets(folder: string): AssemblyAssets {
  let manifests: string[];
  try {
    manifests = readdirSync(folder).filter((name) => name.endsWith('.assets.json'));
  } catch {
    return new Map();
  }
  const stamp = manifests.reduce((sum, name) => sum + mtimeOf(join(folder, name)), 0);
  const cached = assetsByFolder.get(folder);
  if (cached?.read === stamp) return cached.assets;
  const assets = new Map<string, string>();
  for (const name of manifests) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, name), 'utf8')) as {
        files?: Record<string, { source?: { path?: unknown }; destinations?: Record<string, { objectKey?: unknown }> }>;
      };
      for (const file of Object.values(manifest.files ?? {})) {
        const path = file.source?.path;
        if (typeof path !== 'string') continue;
        for (const destination of Object.values(file.destinations ?? {})) {
          if (typeof destination.objectKey === 'string') assets.set(destination.objectKey, resolve(folder, path));
        }
      }
    } catch {
      // A manifest that cannot be read: its assets are not found, and their functions say so.
    }
  }
  assetsByFolder.set(folder, { read: stamp, assets });
  return assets;
}

/** The object key at the end of an S3 location as templates write it (a string, or an Fn::Join of parts). */
export function objectKeyOf(location: unknown): string | undefined {
  const parts: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(location);
  const last = parts[parts.length - 1];
  return last === undefined ? undefined : last.slice(last.lastIndexOf('/') + 1);
}

/** The stacks' templates of the cloud assembly in `folder`, from its manifest. */
export function assemblyStackTemplates(folder: string): string[] {
  const path = join(folder, CLOUD_ASSEMBLY_MANIFEST);
  let manifest: { artifacts?: Record<string, { type?: unknown; properties?: { templateFile?: unknown } }> };
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as typeof manifest;
  } catch (error) {
    throw new LocatedError(
      path,
      1,
      `the cloud assembly's manifest cannot be read (${(error as Error).message}). Run "cdk synth" again.`,
    );
  }
  return Object.values(manifest.artifacts ?? {})
    .filter((artifact) => artifact.type === 'aws:cloudformation:stack' && typeof artifact.properties?.templateFile === 'string')
    .map((artifact) => resolve(folder, artifact.properties?.templateFile as string));
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

// How a project asks for its Node.js code to be bundled: SAM's `Metadata: BuildMethod: esbuild`
// with its BuildProperties, read once into one shape that serve, bundle and deploy all apply.
// SAM passes each property to esbuild as a flag (`Loader: ['.png=file']` is `--loader:.png=file`);
// the same values are given here to esbuild's API.
import { existsSync } from 'node:fs';
import { entryPointFiles } from '../discovery/handler-files';
import { nodeHandlerModule } from '../handler-string';
import type { BundleRequest } from './node-bundler';

/** SAM's esbuild BuildProperties, as esbuild options. */
export interface EsbuildSettings {
  /** Source files relative to the code folder, extension optional (`.ts`, then `.js`, as SAM looks). */
  readonly entryPoints: readonly string[];
  /** SAM minifies unless told not to. */
  readonly minify?: boolean;
  /** esbuild's target (`es2020`, `node20`); without it, the function's runtime's Node.js. */
  readonly target?: string;
  readonly format?: 'cjs' | 'esm';
  /** SAM writes no source map unless told to (or NODE_OPTIONS has --enable-source-maps). */
  readonly sourcemap?: boolean;
  /** Packages left out of the bundle, as well as the AWS SDK the runtime provides. */
  readonly external?: readonly string[];
  /** Loaders by file extension (`.png` → `file`). */
  readonly loader?: Readonly<Record<string, string>>;
  /** Code put first in the bundle (SAM's `Banner: js=...`). */
  readonly banner?: string;
  /** package.json fields tried in order when resolving a package (`module,main`). */
  readonly mainFields?: readonly string[];
  /** The bundle's extension (SAM's `OutExtension: ['.js=.mjs']`). */
  readonly outExtension?: string;
}

type Raw = unknown;

/**
 * The settings SAM's BuildProperties give, and a sentence for each property that is not as SAM
 * takes it (`Format: umd`, a Loader without `=`), naming the property and what to write.
 */
export function readEsbuildSettings(properties: Readonly<Record<string, Raw>> | undefined): {
  settings: EsbuildSettings;
  problems: { property: string; message: string }[];
} {
  const problems: { property: string; message: string }[] = [];
  const problem = (property: string, message: string) => problems.push({ property, message });
  const get = (key: string): Raw => properties?.[key];
  const settings: { -readonly [K in keyof EsbuildSettings]: EsbuildSettings[K] } = {
    entryPoints: stringList(get('EntryPoints')) ?? [],
  };
  const minify = booleanOf(get('Minify'));
  if (minify !== undefined) settings.minify = minify;
  else if (get('Minify') !== undefined) problem('Minify', 'BuildProperties.Minify is not true or false.');
  const sourcemap = booleanOf(get('Sourcemap'));
  if (sourcemap !== undefined) settings.sourcemap = sourcemap;
  else if (get('Sourcemap') !== undefined) problem('Sourcemap', 'BuildProperties.Sourcemap is not true or false.');
  const target = get('Target');
  if (typeof target === 'string' && target !== '') settings.target = target;
  const format = get('Format');
  if (format === 'cjs' || format === 'esm') settings.format = format;
  else if (format !== undefined)
    problem('Format', `BuildProperties.Format ${JSON.stringify(format)} is not one SAM builds: write cjs or esm.`);
  const external = stringList(get('External'));
  if (external !== undefined) settings.external = external;
  const mainFields = get('MainFields');
  // SAM passes it on as one flag, `--main-fields=module,main`; a YAML list is accepted too.
  const fields = typeof mainFields === 'string' ? mainFields.split(',') : stringList(mainFields);
  if (fields !== undefined) settings.mainFields = fields.map((field) => field.trim()).filter((field) => field !== '');
  const loader = pairs(get('Loader'), 'Loader', '.png=file', problem);
  if (loader !== undefined) settings.loader = loader;
  const banner = pairs(get('Banner'), 'Banner', 'js=...', problem);
  if (banner?.['js'] !== undefined) settings.banner = banner['js'];
  const outExtension = pairs(get('OutExtension'), 'OutExtension', '.js=.mjs', problem)?.['.js'];
  if (outExtension !== undefined) {
    if (/^\.[cm]?js$/.test(outExtension)) settings.outExtension = outExtension;
    else
      problem(
        'OutExtension',
        `BuildProperties.OutExtension .js=${outExtension} is not an extension Lambda loads: use .js, .mjs or .cjs.`,
      );
  }
  return { settings, problems };
}

/**
 * `key=value` items (SAM's Loader, Banner, OutExtension) as a map. SAM takes a list; one string is
 * taken as a list of one. The value may hold `=` itself (a banner's code).
 */
function pairs(
  value: Raw,
  property: string,
  example: string,
  problem: (property: string, message: string) => void,
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const items = typeof value === 'string' ? [value] : stringList(value);
  if (items === undefined) {
    problem(property, `BuildProperties.${property} is not a list of key=value items (such as ${example}).`);
    return undefined;
  }
  const map: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) {
      problem(property, `BuildProperties.${property} item ${JSON.stringify(item)} is not key=value (such as ${example}).`);
      continue;
    }
    map[item.slice(0, at)] = item.slice(at + 1);
  }
  return map;
}

function stringList(value: Raw): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((item): item is string => typeof item === 'string');
}

function booleanOf(value: Raw): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  return undefined;
}

/** The handler's source among the settings' EntryPoints, when one exists on disk. */
export function esbuildEntry(codeDir: string, handler: string, settings: EsbuildSettings): string | undefined {
  const module = nodeHandlerModule(handler);
  if (module === undefined) return undefined;
  return entryPointFiles(codeDir, module.moduleName, settings.entryPoints).find((file) => existsSync(file));
}

/**
 * The options that make the bundle what the project asked for, in a local run and a package
 * alike: its format, target, externals, loaders, banner, main fields and extension. (Minify and
 * source maps change how it reads, not what it does; each caller chooses those.)
 */
export function bundleShape(
  settings: EsbuildSettings | undefined,
): Pick<BundleRequest, 'format' | 'target' | 'external' | 'loader' | 'banner' | 'mainFields' | 'outExtension'> {
  if (settings === undefined) return {};
  return {
    ...(settings.format === undefined ? {} : { format: settings.format }),
    ...(settings.target === undefined ? {} : { target: settings.target }),
    ...(settings.external === undefined ? {} : { external: settings.external }),
    ...(settings.loader === undefined ? {} : { loader: settings.loader }),
    ...(settings.banner === undefined ? {} : { banner: settings.banner }),
    ...(settings.mainFields === undefined ? {} : { mainFields: settings.mainFields }),
    ...(settings.outExtension === undefined ? {} : { outExtension: settings.outExtension }),
  };
}

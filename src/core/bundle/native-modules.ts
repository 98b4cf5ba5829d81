// Packages with native code (a compiled `.node` addon, or a binding.gyp that builds one) cannot be
// bundled: the addon is a binary for one platform, loaded from a path next to its package. They
// are left external and reported, so the user can ship them built for Lambda's Linux (a layer).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';

export interface PackageLocation {
  /** The name it is imported by, `@scope/name` or `name`. */
  readonly name: string;
  /** Its folder, `.../node_modules/<name>`, written as the given path was. */
  readonly dir: string;
}

/** The package a file belongs to, when the file lives in a node_modules folder. */
export function packageOfFile(path: string): PackageLocation | undefined {
  const parts = path.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  const first = parts[at + 1];
  if (at < 0 || first === undefined || first === '') return undefined;
  const end = at + 1 + (first.startsWith('@') ? 2 : 1);
  if (parts.length < end) return undefined;
  return { name: parts.slice(at + 1, end).join('/'), dir: parts.slice(0, end).join(path.includes('\\') ? '\\' : '/') };
}

/** What is known of the packages a bundle met: which have native code. Kept across rebuilds. */
export class NativePackages {
  private readonly byDir = new Map<string, boolean>();
  private readonly found = new Map<string, string>();

  /** Records a `.node` addon esbuild was asked to load. */
  addonLoaded(file: string): void {
    const location = packageOfFile(file);
    if (location === undefined) return;
    this.byDir.set(location.dir, true);
    this.found.set(location.name, location.dir);
  }

  /** Whether the package in `dir` has native code; a binding.gyp is looked for once per folder. */
  isNative(location: PackageLocation): boolean {
    let native = this.byDir.get(location.dir);
    if (native === undefined) {
      native = existsSync(join(location.dir, 'binding.gyp'));
      this.byDir.set(location.dir, native);
    }
    if (native) this.found.set(location.name, location.dir);
    return native;
  }

  /** The names of the native packages found so far, sorted. */
  get names(): readonly string[] {
    return [...this.found.keys()].sort();
  }
}

/**
 * Lets a build that meets a `.node` addon finish (the addon loads as nothing) while recording its
 * package, which the next build leaves external. The filter runs inside esbuild, so files that are
 * not addons cost nothing.
 */
export function nativeAddonPlugin(natives: NativePackages): Plugin {
  return {
    name: 'lambda-workbench-native-addons',
    setup(build) {
      build.onLoad({ filter: /\.node$/ }, (args) => {
        natives.addonLoaded(args.path);
        return { contents: '', loader: 'empty' };
      });
    },
  };
}

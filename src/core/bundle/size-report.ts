// What a bundle is made of, by bytes: each npm package as one contributor, each local file as one,
// read from esbuild's metafile, so a user sees what to trim when a package grows.
import type { Metafile } from 'esbuild';
import { packageOfFile } from './native-modules';

export interface SizeContributor {
  /** A package name (`@aws-sdk/client-dynamodb`) or a file's path relative to the code folder. */
  readonly name: string;
  readonly kind: 'package' | 'file';
  readonly bytes: number;
}

export interface SizeReport {
  /** Bytes of the bundle's JavaScript. */
  readonly totalBytes: number;
  /** Largest first; every package and local file that put code into the bundle. */
  readonly contributors: readonly SizeContributor[];
}

/** Bytes each input put into the bundle's JavaScript, keyed `package:<name>` or `file:<path>`. */
export function contributionsOf(metafile: Metafile): Map<string, number> {
  const byKey = new Map<string, number>();
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (path.endsWith('.map')) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      // Modules of a plugin's namespace ("lambda-dependency:...") are glue, not the user's code.
      if (bytesInOutput === 0 || /^[a-z][\w-]*:/.test(input)) continue;
      const location = packageOfFile(input);
      const key = location === undefined ? `file:${input}` : `package:${location.name}`;
      byKey.set(key, (byKey.get(key) ?? 0) + bytesInOutput);
    }
  }
  return byKey;
}

export function sizeReport(totalBytes: number, ...parts: readonly ReadonlyMap<string, number>[]): SizeReport {
  const merged = new Map<string, number>();
  for (const part of parts) for (const [key, bytes] of part) merged.set(key, (merged.get(key) ?? 0) + bytes);
  const contributors = [...merged].map(([key, bytes]): SizeContributor => {
    const colon = key.indexOf(':');
    return { kind: key.slice(0, colon) as SizeContributor['kind'], name: key.slice(colon + 1), bytes };
  });
  contributors.sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
  return { totalBytes, contributors };
}

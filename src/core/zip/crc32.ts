// CRC-32 as zip stores it, continuable across pieces so a file written in segments is checked in
// one pass over each segment.
import * as zlib from 'node:zlib';

type NativeCrc32 = (data: Uint8Array, value?: number) => number;

// node:zlib has crc32 since Node 20.15, but VS Code 1.90's extension host runs an older Node 20.
const native = (zlib as { crc32?: NativeCrc32 }).crc32;
let table: Uint32Array | undefined;

/** The CRC-32 of `data`, continuing from `previous`, the CRC-32 of what came before it. */
export function crc32(data: Uint8Array, previous = 0): number {
  if (native !== undefined) return native(data, previous);
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (const byte of data) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

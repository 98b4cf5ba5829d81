// Reading the .zip packages Lambda stores, and unpacking one into a folder safely: entry paths
// cannot leave the folder, the size is bounded by Lambda's own limit, and the folder appears
// complete or not at all (everything is written beside it, then renamed into place).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import * as zlib from 'node:zlib';
import { WorkbenchError } from '../errors';

export interface ZipEntry {
  /** Relative, with forward slashes; folders end with "/". */
  readonly path: string;
  readonly isDirectory: boolean;
  /** Unix permission bits when the archive recorded them. */
  readonly mode?: number;
  readonly isSymlink: boolean;
  readonly compressedSize: number;
  readonly size: number;
  readonly read: () => Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
/** Lambda's limit for a function's unzipped code and layers. */
export const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;

let crcTable: Uint32Array | undefined;

/** CRC-32 as zip uses it. node:zlib has one since Node 20.15, but VS Code 1.90 runs an older Node 20. */
function crc32(data: Buffer): number {
  const native = (zlib as { crc32?: (data: Buffer) => number }).crc32;
  if (native !== undefined) return native(data);
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function corrupt(reason: string): WorkbenchError {
  return new WorkbenchError(`The .zip file is damaged or not a zip archive: ${reason}.`);
}

/** The entries of a zip archive, read lazily. Zip64 archives are refused: Lambda packages never need them. */
export function readZip(zip: Buffer): ZipEntry[] {
  // The end record sits in the last 22 bytes plus an optional comment of at most 65535 bytes.
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw corrupt('no end of central directory record');
  const count = zip.readUInt16LE(end + 10);
  const directoryOffset = zip.readUInt32LE(end + 16);
  if (directoryOffset === 0xffffffff || count === 0xffff) {
    throw new WorkbenchError('This .zip file uses the Zip64 format, which Lambda Workbench does not read.');
  }
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw corrupt(`entry ${index + 1} is cut off`);
    const madeBy = zip.readUInt16LE(at + 4);
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const expectedCrc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const externalAttributes = zip.readUInt32LE(at + 38);
    const localOffset = zip.readUInt32LE(at + 42);
    const path = zip.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength).replace(/\\/g, '/');
    at += 46 + nameLength + extraLength + commentLength;

    // Unix archivers keep st_mode in the high half of the external attributes.
    const unixMode = madeBy >> 8 === 3 ? externalAttributes >>> 16 : 0;
    const isSymlink = (unixMode & 0o170000) === 0o120000;
    const read = (): Buffer => {
      if (flags & 0x1) throw new WorkbenchError(`The .zip entry ${path} is encrypted; it cannot be unpacked.`);
      if (zip.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) throw corrupt(`the data of ${path} is missing`);
      const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
      const raw = zip.subarray(dataStart, dataStart + compressedSize);
      let data: Buffer;
      if (method === 0) data = Buffer.from(raw);
      else if (method === 8) data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
      else
        throw new WorkbenchError(
          `The .zip entry ${path} uses compression method ${method}; only stored and deflated entries are read.`,
        );
      if (data.length !== size || crc32(data) !== expectedCrc) throw corrupt(`the checksum of ${path} does not match`);
      return data;
    };
    entries.push({
      path,
      isDirectory: path.endsWith('/'),
      // The owner can always read and write what is unpacked, whatever the archive says.
      ...((unixMode & 0o777) === 0 ? {} : { mode: (unixMode & 0o777) | 0o600 }),
      isSymlink,
      compressedSize,
      size,
      read,
    });
  }
  return entries;
}

/** The entry's path inside the destination, or an error when it would land outside it. */
function safeRelativePath(path: string): string {
  const normalized = posix.normalize(path);
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path) || normalized === '..' || normalized.startsWith('../')) {
    throw new WorkbenchError(`The .zip entry "${path}" points outside the folder it is unpacked into; nothing was unpacked.`);
  }
  return normalized;
}

export interface ExtractResult {
  readonly files: number;
  readonly bytes: number;
  /** Symbolic links are not recreated; their paths are listed. */
  readonly skippedLinks: readonly string[];
}

/**
 * Unpacks `zip` into `destination`, which must not exist yet. Everything is checked before the
 * first byte is written, and written into a sibling folder that is renamed into place at the end.
 */
export async function extractZip(zip: Buffer, destination: string): Promise<ExtractResult> {
  const entries = readZip(zip);
  const declared = entries.reduce((sum, entry) => sum + entry.size, 0);
  if (declared > MAX_UNZIPPED_BYTES) {
    throw new WorkbenchError(
      `The .zip file unpacks to ${Math.round(declared / 1024 / 1024)} MB, more than Lambda's 250 MB limit; it was not unpacked.`,
    );
  }
  const paths = entries.map((entry) => safeRelativePath(entry.path));
  if (await exists(destination)) {
    throw new WorkbenchError(`${destination} already exists; choose another folder so nothing in it is overwritten.`);
  }
  const staging = join(dirname(destination), `.${posix.basename(destination)}.partial-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    let files = 0;
    let bytes = 0;
    const skippedLinks: string[] = [];
    for (const [index, entry] of entries.entries()) {
      const target = join(staging, paths[index] ?? '');
      if (entry.isDirectory) {
        await mkdir(target, { recursive: true });
        continue;
      }
      if (entry.isSymlink) {
        skippedLinks.push(entry.path);
        continue;
      }
      const data = entry.read();
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data, entry.mode === undefined ? {} : { mode: entry.mode });
      files++;
      bytes += data.length;
    }
    await rename(staging, destination);
    return { files, bytes, skippedLinks };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

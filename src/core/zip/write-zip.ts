// Deterministic .zip archives for deployment packages: the same files give the same bytes, so
// the same CodeSha256 Lambda reports, and an unchanged function is recognised without an upload.
// Entries are sorted by path, dated 1980-01-01 00:00 (the earliest DOS date), 0644 or 0755, with
// no extra fields, deflated by node:zlib at one fixed level.
//
// A file may be given as segments. Each segment is deflated on its own and the pieces are joined
// into one valid deflate stream (every piece but the last ends on a sync flush), so a segment that
// did not change since the last archive (a bundle's dependencies) is not compressed again.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { WorkbenchError } from '../errors';
import { crc32 } from './crc32';

/** The deflate level of every archive: a fixed level is part of what makes the bytes reproducible. */
export const ZIP_DEFLATE_LEVEL = 6;

export interface ZipFileEntry {
  /** Path inside the archive: relative, with forward slashes. */
  readonly path: string;
  /** The contents, whole or as segments written one after the other. */
  readonly data: Uint8Array | readonly Uint8Array[];
  /** Marks a program, such as a custom runtime's `bootstrap`: mode 0755 instead of 0644. */
  readonly executable?: boolean;
}

interface DeflatedSegment {
  /** Compressed as a middle piece (ends with a sync flush) or as the last piece (ends the stream). */
  middle?: Promise<Buffer[]>;
  last?: Promise<Buffer[]>;
}

/**
 * Segments are compressed in chunks of this size, each on its own thread, as pigz does: a 1 MB
 * bundle takes half the time on two cores. The chunks depend only on the segment, so the bytes
 * are as reproducible as the segments.
 */
const CHUNK_BYTES = 256 * 1024;

/**
 * Compressed segments kept by identity: an archive built again from the same segment objects
 * reuses their compressed bytes. Entries go when their segments are garbage collected.
 */
export class DeflateCache {
  private readonly segments = new WeakMap<Uint8Array, DeflatedSegment>();

  deflate(segment: Uint8Array, last: boolean): Promise<Buffer[]> {
    let known = this.segments.get(segment);
    if (known === undefined) {
      known = {};
      this.segments.set(segment, known);
    }
    if (last) return (known.last ??= deflateChunks(segment, true));
    return (known.middle ??= deflateChunks(segment, false));
  }
}

const deflateRawAsync = promisify(zlib.deflateRaw);

/** Compressed on libuv's thread pool, chunk by chunk in parallel; only the stream's last chunk ends it. */
function deflateChunks(segment: Uint8Array, last: boolean): Promise<Buffer[]> {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < segment.length; at += CHUNK_BYTES) chunks.push(segment.subarray(at, at + CHUNK_BYTES));
  return Promise.all(
    chunks.map((chunk, i) =>
      deflateRawAsync(chunk, {
        level: ZIP_DEFLATE_LEVEL,
        finishFlush: last && i === chunks.length - 1 ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
      }),
    ),
  );
}

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20;
/** Version made by: Unix (3), so readers take the permission bits from the external attributes. */
const MADE_BY_UNIX = (3 << 8) | VERSION;
/** General purpose flag bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const FILE_MODE = 0o100644;
const EXECUTABLE_MODE = 0o100755;
const MAX_32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

/** Bytes of an entry once unzipped. */
export function entrySize(entry: ZipFileEntry): number {
  return entry.data instanceof Uint8Array ? entry.data.length : entry.data.reduce((sum, segment) => sum + segment.length, 0);
}

/** Base64 SHA-256 of an archive, as Lambda reports a function's CodeSha256. */
export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}

/** The archive of `entries`. Throws when two entries share a path or a path is not relative. */
export async function writeZip(entries: readonly ZipFileEntry[], cache = new DeflateCache()): Promise<Buffer> {
  if (entries.length > MAX_ENTRIES) {
    throw new WorkbenchError(`A deployment package cannot hold ${entries.length} files; the .zip format allows ${MAX_ENTRIES}.`);
  }
  const named = entries
    .map((entry) => ({ entry, name: Buffer.from(checkedPath(entry.path), 'utf8') }))
    .sort((a, b) => Buffer.compare(a.name, b.name));
  for (let i = 1; i < named.length; i++) {
    if (named[i - 1]?.name.equals(named[i]?.name ?? Buffer.alloc(0))) {
      throw new WorkbenchError(`Two files of the deployment package have the same path, ${named[i]?.entry.path ?? ''}.`);
    }
  }
  const bodies = await Promise.all(named.map(({ entry }) => compress(segmentsOf(entry.data), cache)));

  const pieces: Uint8Array[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  named.forEach(({ entry, name }, index) => {
    const body = bodies[index];
    if (body === undefined) return;
    if (body.size > MAX_32 || body.compressedSize > MAX_32 || offset > MAX_32) {
      throw new WorkbenchError(`${entry.path} makes the deployment package larger than 4 GB, which the .zip format cannot hold.`);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_FILE_HEADER, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(body.method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(body.crc, 14);
    local.writeUInt32LE(body.compressedSize, 18);
    local.writeUInt32LE(body.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_FILE_HEADER, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(body.method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(body.crc, 16);
    central.writeUInt32LE(body.compressedSize, 20);
    central.writeUInt32LE(body.size, 24);
    central.writeUInt16LE(name.length, 28);
    // Extra field, comment, disk number and internal attributes stay 0.
    central.writeUInt32LE(((entry.executable === true ? EXECUTABLE_MODE : FILE_MODE) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);

    pieces.push(local, name, ...body.pieces);
    directory.push(central, name);
    offset += local.length + name.length + body.compressedSize;
  });
  const directoryBytes = directory.reduce((sum, piece) => sum + piece.length, 0);
  if (offset + directoryBytes > MAX_32) {
    throw new WorkbenchError('The deployment package is larger than 4 GB, which the .zip format cannot hold.');
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(named.length, 8);
  end.writeUInt16LE(named.length, 10);
  end.writeUInt32LE(directoryBytes, 12);
  end.writeUInt32LE(offset, 16);
  // One copy: every piece lands once in the archive's buffer.
  return Buffer.concat([...pieces, ...directory, end]);
}

interface CompressedBody {
  readonly method: 0 | 8;
  readonly crc: number;
  readonly size: number;
  readonly compressedSize: number;
  readonly pieces: readonly Uint8Array[];
}

async function compress(segments: readonly Uint8Array[], cache: DeflateCache): Promise<CompressedBody> {
  const size = segments.reduce((sum, segment) => sum + segment.length, 0);
  const crc = segments.reduce((value, segment) => crc32(segment, value), 0);
  // An empty file deflates to more bytes than it has; like zip tools, store what deflate does not shrink.
  const deflated =
    size === 0 ? [] : (await Promise.all(segments.map((segment, i) => cache.deflate(segment, i === segments.length - 1)))).flat();
  const compressedSize = deflated.reduce((sum, piece) => sum + piece.length, 0);
  if (size === 0 || compressedSize >= size) return { method: 0, crc, size, compressedSize: size, pieces: segments };
  return { method: 8, crc, size, compressedSize, pieces: deflated };
}

function segmentsOf(data: Uint8Array | readonly Uint8Array[]): readonly Uint8Array[] {
  const list = data instanceof Uint8Array ? [data] : data;
  // An empty segment would add only a flush marker.
  return list.filter((segment) => segment.length > 0);
}

function checkedPath(path: string): string {
  const parts = path.split('/');
  if (
    path === '' ||
    path.includes('\\') ||
    path.startsWith('/') ||
    /^[a-zA-Z]:/.test(path) ||
    parts.some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new WorkbenchError(`"${path}" cannot be a file of a deployment package: paths are relative, with forward slashes.`);
  }
  return path;
}

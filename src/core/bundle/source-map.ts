// One source map for a bundle made of two esbuild outputs: the dependencies (built rarely) followed
// by the handler's own code (rebuilt on every edit). The result is a plain v3 map, because Node's
// --enable-source-maps ignores index maps ("sections"). Its text is cut into segments so the
// dependencies' large, unchanging parts are the same Buffer objects from one rebuild to the next
// and are compressed once (see DeflateCache).

/** The fields of a v3 source map this module reads. */
export interface RawSourceMap {
  readonly sources: readonly string[];
  readonly names: readonly string[];
  readonly mappings: string;
}

/** Where the decoder stands after a mappings string: every field but the generated column carries over lines. */
interface MappingState {
  source: number;
  line: number;
  column: number;
  name: number;
}

/** The dependencies' part of a joined map, computed once per dependency build. */
export interface MapHead {
  /** `{"version":3,"sources":[` and the dependencies' sources. */
  readonly sources: Buffer;
  /** `],"names":[` and their names. */
  readonly names: Buffer;
  /** `],"mappings":"`, their mappings, and the `;` that move to the first line of the handler's code. */
  readonly mappings: Buffer;
  readonly sourceCount: number;
  readonly nameCount: number;
  readonly end: Readonly<MappingState>;
}

/**
 * The head of a map whose generated code starts with the code `map` describes (none: code without
 * mappings) and continues with other code at line `lineOffset` (0-based).
 */
export function mapHead(map: RawSourceMap | undefined, lineOffset: number): MapHead {
  const sources = map?.sources ?? [];
  const names = map?.names ?? [];
  const mappings = map?.mappings ?? '';
  let lines = 0;
  for (let at = mappings.indexOf(';'); at >= 0; at = mappings.indexOf(';', at + 1)) lines++;
  return {
    sources: Buffer.from(`{"version":3,"sources":[${sources.map((s) => JSON.stringify(s)).join(',')}`),
    names: Buffer.from(`],"names":[${names.map((n) => JSON.stringify(n)).join(',')}`),
    mappings: Buffer.from(`],"mappings":"${mappings}${';'.repeat(Math.max(0, lineOffset - lines))}`),
    sourceCount: sources.length,
    nameCount: names.length,
    end: finalState(mappings),
  };
}

/** The segments of the joined map's JSON text: the head's Buffers with the handler code's parts between them. */
export function joinedMap(head: MapHead, tail: RawSourceMap): Buffer[] {
  const comma = (before: number, after: readonly string[]) => (before > 0 && after.length > 0 ? ',' : '');
  return [
    head.sources,
    Buffer.from(comma(head.sourceCount, tail.sources) + tail.sources.map((s) => JSON.stringify(s)).join(',')),
    head.names,
    Buffer.from(comma(head.nameCount, tail.names) + tail.names.map((n) => JSON.stringify(n)).join(',')),
    head.mappings,
    Buffer.from(`${rebase(tail.mappings, head)}"}\n`),
  ];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map(Array.from({ length: BASE64.length }, (_, i) => [BASE64.charAt(i), i]));
const DIGIT_BY_CODE = Int32Array.from({ length: 128 }, (_, code) => DIGIT.get(String.fromCharCode(code)) ?? 0);

/** The VLQ fields of one segment starting at `at`, and where it ends (at `,`, `;` or the end). */
function readSegment(mappings: string, at: number): { fields: number[]; end: number } {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  let i = at;
  for (; i < mappings.length; i++) {
    const c = mappings[i] ?? '';
    if (c === ',' || c === ';') break;
    const digit = DIGIT.get(c) ?? 0;
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value % 2 === 1 ? -((value - 1) / 2) : value / 2);
    value = 0;
    shift = 0;
  }
  return { fields, end: i };
}

function writeSegment(fields: readonly number[]): string {
  let text = '';
  for (const field of fields) {
    let value = field < 0 ? -field * 2 + 1 : field * 2;
    do {
      let digit = value % 32;
      value = Math.floor(value / 32);
      if (value > 0) digit |= 32;
      text += BASE64[digit] ?? '';
    } while (value > 0);
  }
  return text;
}

/** The decoder's state after all of `mappings`: one pass with integer arithmetic, as dependency maps are large. */
function finalState(mappings: string): MappingState {
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  let field = 0;
  let value = 0;
  let shift = 0;
  for (let i = 0; i < mappings.length; i++) {
    const code = mappings.charCodeAt(i);
    if (code === 44 /* , */ || code === 59 /* ; */) {
      field = 0;
      continue;
    }
    const digit = DIGIT_BY_CODE[code] ?? 0;
    value |= (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    const delta = value & 1 ? -(value >>> 1) : value >>> 1;
    if (field === 1) source += delta;
    else if (field === 2) line += delta;
    else if (field === 3) column += delta;
    else if (field === 4) name += delta;
    field++;
    value = 0;
    shift = 0;
  }
  return { source, line, column, name };
}

/**
 * `mappings` as they read after the head's: fields are deltas from the previous segment, so only
 * the first segment with a source, and the first with a name, change.
 */
function rebase(mappings: string, head: MapHead): string {
  let text = '';
  let copiedTo = 0;
  let sourceDone = false;
  let nameDone = false;
  for (let at = 0; at < mappings.length && !(sourceDone && nameDone);) {
    const c = mappings[at];
    if (c === ',' || c === ';') {
      at++;
      continue;
    }
    const { fields, end } = readSegment(mappings, at);
    let changed = false;
    if (!sourceDone && fields.length >= 4) {
      fields[1] = (fields[1] ?? 0) + head.sourceCount - head.end.source;
      fields[2] = (fields[2] ?? 0) - head.end.line;
      fields[3] = (fields[3] ?? 0) - head.end.column;
      sourceDone = changed = true;
    }
    if (!nameDone && fields.length >= 5) {
      fields[4] = (fields[4] ?? 0) + head.nameCount - head.end.name;
      nameDone = changed = true;
    }
    if (changed) {
      text += mappings.slice(copiedTo, at) + writeSegment(fields);
      copiedTo = end;
    }
    at = end;
  }
  return text + mappings.slice(copiedTo);
}

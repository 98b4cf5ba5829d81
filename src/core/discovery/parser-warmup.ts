// The TypeScript parser runs several times slower until V8 has compiled its hot paths, which takes
// a few dozen files. The parser worker parses this sample in its idle time, whole (as discovery
// parses files) and edit after edit (as CodeLens parses an open document), so the first lenses of a
// large file the user opens and edits do not pay for that warm-up.
import { DocumentHandlers } from './document-handlers';
import { findHandlersInText } from './find-handlers';

/** TypeScript that exercises what real handler files hold: imports, types, classes, generics, async code, templates. */
export function warmupSample(blocks = 12): string {
  const parts = [
    "import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';",
    "import { randomUUID } from 'node:crypto';",
    '',
  ];
  for (let i = 0; i < blocks; i++) {
    parts.push(
      `export interface Order${i} { readonly id: string; readonly items: ReadonlyArray<{ sku: string; quantity: number }>; total?: number }`,
      `type Result${i}<T> = { ok: true; value: T } | { ok: false; error: Error };`,
      `enum Status${i} { Open = 'open', Closed = 'closed' }`,
      `export class Repository${i}<T extends { id: string }> {`,
      `  private readonly rows = new Map<string, T>();`,
      `  constructor(private readonly table: string, readonly limit = ${i + 10}) {}`,
      `  async put(row: T): Promise<Result${i}<T>> {`,
      `    if (this.rows.size >= this.limit) return { ok: false, error: new Error(\`\${this.table} is full (\${this.rows.size})\`) };`,
      `    this.rows.set(row.id, { ...row });`,
      `    return { ok: true, value: row };`,
      `  }`,
      `  find(predicate: (row: T) => boolean): T[] { return [...this.rows.values()].filter(predicate); }`,
      `}`,
      `const totals${i} = (orders: Order${i}[]) => orders.reduce((sum, o) => sum + (o.total ?? o.items.length * ${i}), 0);`,
      `export function parse${i}(body: string | undefined): Order${i} | undefined {`,
      `  try { const value = JSON.parse(body ?? '{}') as Partial<Order${i}>; return value.id ? (value as Order${i}) : undefined; }`,
      `  catch { return undefined; } finally { void Status${i}.Open; }`,
      `}`,
      '',
    );
  }
  parts.push(
    'export const handler = async (event: APIGatewayProxyEventV2, context: Context) => {',
    '  const order = parse0(event.body);',
    '  return { statusCode: order ? 200 : 400, body: JSON.stringify({ id: randomUUID(), total: totals0(order ? [order] : []), requestId: context.awsRequestId }) };',
    '};',
  );
  return parts.join('\n');
}

/**
 * Parses the sample `rounds` times whole and edits a copy of it as many times, one small step per
 * turn of the event loop, so requests that arrive meanwhile wait for one step at most; then calls
 * `done`. Returns a function that stops it.
 */
export function warmUpParser(done: () => void, rounds = 40): () => void {
  const sample = warmupSample(4);
  const document = new DocumentHandlers(1);
  let edited = warmupSample(12);
  let step = 0;
  let timer: NodeJS.Immediate | undefined;
  const next = () => {
    if (step % 2 === 0) {
      findHandlersInText('warmup.ts', sample);
    } else {
      // A line typed in the middle of the document, as someone editing it does.
      const middle = edited.indexOf('\n', edited.length >> 1) + 1;
      edited = `${edited.slice(0, middle)}const typed${step} = ${step};\n${edited.slice(middle)}`;
      document.handlers('warmup-document.ts', edited);
    }
    step += 1;
    timer = step < rounds * 2 ? setImmediate(next) : undefined;
    if (timer === undefined) done();
  };
  timer = setImmediate(next);
  return () => {
    if (timer !== undefined) clearImmediate(timer);
  };
}

// `invoke`: one function of the project, once, with an event; its result on stdout.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Emulator, logText } from '../core/emulator/emulator';
import { ServiceError } from '../core/emulator/lambda-errors';
import { parseJsonText } from '../core/json-text';
import { WorkbenchError } from '../core/errors';
import { UsageError, TEMPLATE_OPTIONS } from './options';
import { profileCredentials, loadFunctions, logicalIdOf } from './load';
import { shutdown } from './serve';

export async function invoke(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...TEMPLATE_OPTIONS, event: { type: 'string' } },
  });
  const [name] = positionals;
  if (name === undefined || positionals.length > 1) {
    throw new UsageError(
      'invoke takes exactly one function name, e.g. "lambda-workbench invoke HelloFunction --event event.json".',
    );
  }
  const payload = readEvent(values.event);
  const auth = await profileCredentials(values.profile);
  // A lone function that cannot run is refused here, with its problems.
  const { functions, prepared, buildDir } = await loadFunctions(values, false, name);
  const emulator = new Emulator({
    functions: prepared.map((p, i) => ({ ...p.config, ...logicalIdOf(functions[i]) })),
    region: values.region,
    ...auth,
    hotReload: false,
  });
  try {
    const result = await emulator.invoke({ functionName: prepared[0]?.config.name ?? name, payload });
    process.stderr.write(logText(result.outcome?.log ?? []));
    process.stdout.write(`${result.payload.toString('utf8')}\n`);
    if (result.functionError !== undefined) process.exitCode = 1;
  } catch (error) {
    if (error instanceof ServiceError) throw new WorkbenchError(`${error.errorType}: ${error.message}`, { cause: error });
    throw error;
  } finally {
    await shutdown(emulator, prepared, buildDir);
  }
}

/** The event's text, checked: invalid JSON is refused with its file, line and column, before anything runs. */
export function readEvent(source: string | undefined): string {
  if (source === undefined) return '{}';
  let text: string;
  try {
    text = source === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(source), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the event ${source}: ${(error as Error).message}.`, { cause: error });
  }
  // An empty event is Lambda's {}.
  if (text.trim() === '') return text;
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const where = source === '-' ? 'standard input' : source;
    throw new WorkbenchError(
      `${where}:${parsed.error.line}:${parsed.error.column}: the event is not valid JSON: ${parsed.error.message}. Fix the event and run again.`,
    );
  }
  return text;
}

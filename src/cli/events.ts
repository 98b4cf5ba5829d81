// `events`: the sample-event templates, listed or generated.
import { parseArgs } from 'node:util';
import { EVENT_TEMPLATES, generateEvent } from '../core/events/catalog';
import { UsageError } from './options';

export function events(args: string[]): void {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } } });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify(
          EVENT_TEMPLATES.map(({ id, service, title, parameters }) => ({ id, service, title, parameters })),
          null,
          2,
        )}\n`,
      );
      return;
    }
    const width = Math.max(...EVENT_TEMPLATES.map((t) => t.id.length));
    for (const template of EVENT_TEMPLATES)
      process.stdout.write(`${template.id.padEnd(width)}  ${template.service}: ${template.title}\n`);
    return;
  }
  if (sub === 'generate') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { param: { type: 'string', multiple: true, default: [] } },
    });
    const [id] = positionals;
    if (id === undefined || positionals.length > 1) {
      throw new UsageError(
        'events generate takes one template id, e.g. "lambda-workbench events generate s3-put --param bucket=photos".',
      );
    }
    const parameters: Record<string, string> = {};
    for (const pair of values.param) {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new UsageError(`--param "${pair}" must be name=value.`);
      parameters[pair.slice(0, equals)] = pair.slice(equals + 1);
    }
    process.stdout.write(`${JSON.stringify(generateEvent(id, parameters), null, 2)}\n`);
    return;
  }
  throw new UsageError('Use "lambda-workbench events list" or "lambda-workbench events generate <id>".');
}

// The catalog of event templates, and generation by template id.
import { WorkbenchError } from '../errors';
import { defaultContext } from './context';
import type { EventTemplate, GeneratorContext } from './template';
import { dataTemplates } from './templates/data';
import { httpTemplates } from './templates/http';
import { serviceTemplates } from './templates/services';

export const EVENT_TEMPLATES: readonly EventTemplate[] = [...httpTemplates, ...dataTemplates, ...serviceTemplates];

export function findTemplate(id: string): EventTemplate | undefined {
  return EVENT_TEMPLATES.find((template) => template.id === id);
}

/** Generates an event from a template; unknown templates and parameters are named with the valid ones. */
export function generateEvent(
  id: string,
  values: Readonly<Record<string, string>> = {},
  context: GeneratorContext = defaultContext(),
): unknown {
  const template = findTemplate(id);
  if (template === undefined) {
    throw new WorkbenchError(`There is no event template "${id}". List them with "lambda-workbench events list".`);
  }
  const known = new Set(template.parameters.map((p) => p.name));
  const unknown = Object.keys(values).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new WorkbenchError(
      `The template "${id}" has no parameter ${unknown.map((n) => `"${n}"`).join(', ')}. Its parameters: ${[...known].join(', ') || 'none'}.`,
    );
  }
  return template.generate(values, context);
}

// An event template: a named generator of one kind of event a Lambda function receives, asking
// only for the values that matter and filling in the rest realistically and consistently.

export interface TemplateParameter {
  readonly name: string;
  readonly description: string;
  readonly default: string;
}

export interface EventTemplate<E = unknown> {
  /** Stable id, e.g. `s3-put`; used by the CLI and saved as the origin of an event. */
  readonly id: string;
  /** The event source, e.g. "Amazon S3"; the picker groups templates by it. */
  readonly service: string;
  readonly title: string;
  readonly parameters: readonly TemplateParameter[];
  generate(values: Readonly<Record<string, string>>, context: GeneratorContext): E;
}

/** Where generated values come from: account, region, the clock and ids, so tests can fix them. */
export interface GeneratorContext {
  readonly region: string;
  readonly accountId: string;
  readonly now: Date;
  /** A fresh UUID v4. */
  uuid(): string;
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string;
}

/**
 * Declares a template whose events have type E; typing E with @types/aws-lambda makes the type
 * checker reject a template that produces a malformed event.
 */
export function defineTemplate<E>(template: EventTemplate<E>): EventTemplate<E> {
  return template;
}

export function parameter(name: string, description: string, defaultValue: string): TemplateParameter {
  return { name, description, default: defaultValue };
}

/** A template parameter's value: the one given, else its default. */
export function value(template: EventTemplate, values: Readonly<Record<string, string>>, name: string): string {
  const given = values[name];
  if (given !== undefined) return given;
  const spec = template.parameters.find((p) => p.name === name);
  if (spec === undefined) throw new Error(`Template ${template.id} has no parameter "${name}".`);
  return spec.default;
}

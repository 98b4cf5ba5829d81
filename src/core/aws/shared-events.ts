// Shareable test events, as the Lambda console keeps them: in the EventBridge Schemas registry
// `lambda-testevent-schemas`, one OpenAPI 3 schema per function named `_<function>-schema`,
// whose `components.examples` hold the events by name.
import type { SchemasClient } from '@aws-sdk/client-schemas';
import { WorkbenchError } from '../errors';

export const TEST_EVENT_REGISTRY = 'lambda-testevent-schemas';

export interface SharedEvent {
  readonly functionName: string;
  readonly name: string;
  readonly event: unknown;
}

/** The registry does not exist yet; saving a shared event creates it once the user agrees. */
export class RegistryMissingError extends WorkbenchError {
  override name = 'RegistryMissingError';

  constructor() {
    super(
      `The schema registry "${TEST_EVENT_REGISTRY}" that holds shareable test events does not exist in this account and region yet.`,
    );
  }
}

interface TestEventDocument {
  openapi: string;
  info: { version: string; title: string };
  paths: Record<string, never>;
  components: { schemas: Record<string, unknown>; examples: Record<string, { value: unknown }> };
}

export function schemaName(functionName: string): string {
  return `_${functionName}-schema`;
}

export class SharedEvents {
  constructor(private readonly client: SchemasClient) {}

  /** The function's shared events; none when the registry or the function's schema does not exist. */
  async list(functionName: string): Promise<SharedEvent[]> {
    const document = await this.document(functionName);
    if (document === undefined) return [];
    return Object.entries(document.components.examples)
      .map(([name, example]) => ({ functionName, name, event: example.value }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Saves an event under `name` (replacing one of that name). When the registry is missing it is
   * created only if `createRegistry` is set; otherwise RegistryMissingError says so.
   */
  async save(functionName: string, name: string, event: unknown, options: { createRegistry: boolean }): Promise<void> {
    const { CreateRegistryCommand, CreateSchemaCommand, UpdateSchemaCommand } = await import('@aws-sdk/client-schemas');
    if (!(await this.registryExists())) {
      if (!options.createRegistry) throw new RegistryMissingError();
      await this.client.send(
        new CreateRegistryCommand({
          RegistryName: TEST_EVENT_REGISTRY,
          Description: 'Shareable test events of Lambda functions',
        }),
      );
    }
    const existing = await this.document(functionName);
    const document: TestEventDocument = existing ?? {
      openapi: '3.0.0',
      info: { version: '1.0.0', title: 'Event' },
      paths: {},
      components: { schemas: {}, examples: {} },
    };
    document.components.examples[name] = { value: event };
    document.components.schemas['Event'] = schemaOf(event);
    const input = {
      RegistryName: TEST_EVENT_REGISTRY,
      SchemaName: schemaName(functionName),
      Type: 'OpenApi3' as const,
      Content: JSON.stringify(document),
    };
    if (existing === undefined) await this.client.send(new CreateSchemaCommand(input));
    else await this.client.send(new UpdateSchemaCommand(input));
  }

  private async registryExists(): Promise<boolean> {
    const { DescribeRegistryCommand } = await import('@aws-sdk/client-schemas');
    try {
      await this.client.send(new DescribeRegistryCommand({ RegistryName: TEST_EVENT_REGISTRY }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private async document(functionName: string): Promise<TestEventDocument | undefined> {
    const { DescribeSchemaCommand } = await import('@aws-sdk/client-schemas');
    let content: string | undefined;
    try {
      content = (
        await this.client.send(
          new DescribeSchemaCommand({ RegistryName: TEST_EVENT_REGISTRY, SchemaName: schemaName(functionName) }),
        )
      ).Content;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    try {
      const parsed = JSON.parse(content ?? '{}') as Partial<TestEventDocument>;
      return {
        openapi: parsed.openapi ?? '3.0.0',
        info: parsed.info ?? { version: '1.0.0', title: 'Event' },
        paths: {},
        components: { schemas: parsed.components?.schemas ?? {}, examples: parsed.components?.examples ?? {} },
      };
    } catch (error) {
      throw new WorkbenchError(
        `The shared test events of ${functionName} (schema ${schemaName(functionName)}) are not valid JSON; fix or delete the schema in the EventBridge console.`,
        { cause: error },
      );
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'NotFoundException';
}

/** A JSON schema describing an event's shape, as the console stores next to the examples. */
export function schemaOf(value: unknown): Record<string, unknown> {
  if (value === null) return { type: 'null' };
  if (Array.isArray(value)) return { type: 'array', items: value.length > 0 ? schemaOf(value[0]) : {} };
  switch (typeof value) {
    case 'string':
      return { type: 'string' };
    case 'number':
      return { type: Number.isInteger(value) ? 'integer' : 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'object': {
      const entries = Object.entries(value as Record<string, unknown>);
      return {
        type: 'object',
        required: entries.map(([key]) => key),
        properties: Object.fromEntries(entries.map(([key, item]) => [key, schemaOf(item)])),
      };
    }
    default:
      return {};
  }
}

// SDK clients for the active AWS connection. They live in the connection scope: a change of
// profile, region or endpoint drops them and the next use builds new ones.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SchemasClient } from '@aws-sdk/client-schemas';
import { toAwsError, type AwsCallDescription } from '../core/aws/aws-errors';
import { WorkbenchError } from '../core/errors';
import { createLambdaClient, createLogsClient, createSchemasClient, type AwsConnection } from '../core/aws/connection';
import type { ConnectionManager } from './connection';
import type { Ctx } from './ctx';

export class AwsClients {
  private lambdaClient: Promise<LambdaClient> | undefined;
  private schemasClient: Promise<SchemasClient> | undefined;
  private logsClient: Promise<CloudWatchLogsClient> | undefined;

  constructor(
    private readonly ctx: Ctx,
    readonly connections: ConnectionManager,
  ) {
    ctx.extensionScope.add(
      connections.onDidChange(() => {
        this.lambdaClient = undefined;
        this.schemasClient = undefined;
        this.logsClient = undefined;
      }),
    );
  }

  connection(): Promise<AwsConnection> {
    return this.connections.current();
  }

  lambda(): Promise<LambdaClient> {
    this.lambdaClient ??= this.build(async () => createLambdaClient(await this.connection()));
    return this.lambdaClient;
  }

  schemas(): Promise<SchemasClient> {
    this.schemasClient ??= this.build(async () => createSchemasClient(await this.connection()));
    return this.schemasClient;
  }

  logs(): Promise<CloudWatchLogsClient> {
    this.logsClient ??= this.build(async () => createLogsClient(await this.connection()));
    return this.logsClient;
  }

  /** Runs Lambda calls; an SDK or network failure becomes an AwsError that says what to do. */
  async callLambda<T>(call: AwsCallDescription, run: (client: LambdaClient) => Promise<T>): Promise<T> {
    const connection = await this.connection();
    try {
      return await run(await this.lambda());
    } catch (error) {
      // A WorkbenchError (an AwsError included) already says what to do.
      if (error instanceof WorkbenchError) throw error;
      throw toAwsError(error, call, connection);
    }
  }

  private build<T extends { destroy(): void }>(create: () => Promise<T>): Promise<T> {
    const client = create();
    const scope = this.ctx.connection;
    void client.then((c) => scope.add({ dispose: () => c.destroy() }));
    return client;
  }
}

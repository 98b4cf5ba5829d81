// The AWS connection the settings describe, and SDK clients for it that live in the connection
// scope: a change of profile, region or endpoint drops them and the next use builds new ones.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SchemasClient } from '@aws-sdk/client-schemas';
import * as vscode from 'vscode';
import { createLambdaClient, createSchemasClient, type AwsConnection } from '../core/aws/connection';
import type { Ctx } from './ctx';

export function currentConnection(ctx: Ctx): AwsConnection {
  const profile = ctx.config.awsProfile;
  const endpointUrl = ctx.config.awsEndpointUrl;
  return {
    ...(profile === '' ? {} : { profile }),
    region: ctx.config.awsRegion || process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] || 'us-east-1',
    ...(endpointUrl === '' ? {} : { endpointUrl }),
  };
}

export class AwsClients {
  private lambdaClient: Promise<LambdaClient> | undefined;
  private schemasClient: Promise<SchemasClient> | undefined;

  constructor(private readonly ctx: Ctx) {
    ctx.extensionScope.add(
      vscode.workspace.onDidChangeConfiguration((change) => {
        if (change.affectsConfiguration('lambdaWorkbench.aws')) this.reset();
      }),
    );
  }

  get connection(): AwsConnection {
    return currentConnection(this.ctx);
  }

  lambda(): Promise<LambdaClient> {
    this.lambdaClient ??= this.build(() => createLambdaClient(this.connection));
    return this.lambdaClient;
  }

  schemas(): Promise<SchemasClient> {
    this.schemasClient ??= this.build(() => createSchemasClient(this.connection));
    return this.schemasClient;
  }

  private build<T extends { destroy(): void }>(create: () => Promise<T>): Promise<T> {
    const client = create();
    const scope = this.ctx.connection;
    void client.then((c) => scope.add({ dispose: () => c.destroy() }));
    return client;
  }

  private reset(): void {
    this.lambdaClient = undefined;
    this.schemasClient = undefined;
    this.ctx.resetConnection();
  }
}

// The Functions view and its actions inside the real extension host, against moto with a seeded
// account (120 functions, "orders-processor" wired to every trigger moto supports), reached
// through the proxy that adds ListFunctions paging and code downloads (test/support/moto-account.mjs).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LambdaWorkbenchApi } from '../../src/extension';
import type { InvocationResult } from '../../src/core/invoke/invocation';
import type { FunctionsNode, FunctionsTree } from '../../src/ui/functions-tree';

const FEATURED = 'orders-processor';
const FAKE_SECRET = 'not-a-real-secret-123';
const SEEDED = 120 + 1; // the seeded account and remote-echo

async function api(): Promise<LambdaWorkbenchApi> {
  const extension = vscode.extensions.getExtension<LambdaWorkbenchApi>('lambda-workbench.lambda-workbench');
  assert.ok(extension);
  return extension.activate();
}

async function tree(): Promise<FunctionsTree> {
  return (await api()).functionsTree();
}

/** The root rows once every page is in (the view keeps asking while a "Loading more" row shows). */
async function allRootRows(): Promise<FunctionsNode[]> {
  const functions = await tree();
  for (let i = 0; i < 200; i++) {
    const rows = await functions.getChildren();
    if (!rows.some((row) => row.kind === 'message' && row.tone === 'loading')) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the function list never finished loading');
}

async function functionRow(name: string): Promise<FunctionsNode> {
  const row = (await allRootRows()).find((r) => r.kind === 'function' && r.functionName === name);
  assert.ok(row, `${name} is listed`);
  return row;
}

async function childrenByLabel(node: FunctionsNode): Promise<Map<string, FunctionsNode>> {
  const functions = await tree();
  const children = await functions.getChildren(node);
  return new Map(children.map((child) => [labelOf(functions.getTreeItem(child)), child]));
}

function pick(rows: Map<string, FunctionsNode>, label: string): FunctionsNode {
  const row = rows.get(label);
  assert.ok(row, `a row "${label}" among ${[...rows.keys()].join(' | ')}`);
  return row;
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder);
  return folder.uri.fsPath;
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

function text(item: vscode.TreeItem): string {
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : (item.tooltip ?? '');
  return `${labelOf(item)} ${String(item.description ?? '')} ${tooltip}`;
}

describe('the Functions view', () => {
  before(async () => {
    (await tree()).refresh();
  });

  it('lists every function of the region, page by page, with runtime, memory and timeout', async () => {
    const rows = await allRootRows();
    const functions = rows.filter((row) => row.kind === 'function');
    assert.equal(functions.length, SEEDED);
    const names = functions.map((row) => row.functionName);
    assert.deepEqual(
      names,
      [...names].sort((a, b) => a.localeCompare(b)),
    );
    const item = (await tree()).getTreeItem(await functionRow(FEATURED));
    assert.equal(item.label, FEATURED);
    assert.match(String(item.description), /^nodejs20\.x · \d+ MB · \d+ s$/);
    assert.equal(item.contextValue, 'remoteFunction');
  });

  it('expanding a function shows its triggers, versions, aliases, configuration and logs', async () => {
    const groups = await childrenByLabel(await functionRow(FEATURED));
    assert.deepEqual([...groups.keys()], ['Triggers', 'Versions', 'Aliases', 'Configuration', 'Logs']);

    const triggers = [...(await childrenByLabel(pick(groups, 'Triggers'))).keys()];
    assert.ok(
      triggers.some((label) => label.startsWith('Function URL: https://')),
      triggers.join(' | '),
    );
    for (const expected of [
      /^SQS: /,
      /^DynamoDB: /,
      /^API Gateway: /,
      /^S3: bucket /,
      /^SNS: topic /,
      /^EventBridge: rule /,
      /^Account: /,
    ]) {
      assert.ok(
        triggers.some((label) => expected.test(label)),
        `${expected} among ${triggers.join(' | ')}`,
      );
    }
    assert.deepEqual([...(await childrenByLabel(pick(groups, 'Versions'))).keys()], ['Version 2', 'Version 1']);
    const aliases = await childrenByLabel(pick(groups, 'Aliases'));
    assert.equal((await tree()).getTreeItem(pick(aliases, 'live')).description, '→ 2 (90%), 1 (10%)');

    const configuration = await childrenByLabel(pick(groups, 'Configuration'));
    assert.equal((await tree()).getTreeItem(pick(configuration, 'Reserved concurrency')).description, '25');
    assert.match(String((await tree()).getTreeItem(pick(configuration, 'VPC')).description), /subnet-/);
    const environment = await childrenByLabel(pick(configuration, 'Environment variables'));
    assert.ok(environment.has('DB_PASSWORD'));
    const layers = await childrenByLabel(pick(configuration, 'Layers'));
    assert.equal(layers.size, 1);
  });

  it('no environment value appears in any row, description or tooltip', async () => {
    const functions = await tree();
    const seen: string[] = [];
    const walk = async (node: FunctionsNode, depth: number): Promise<void> => {
      const item = functions.getTreeItem(node);
      seen.push(text(functions.resolveTreeItem(item, node)));
      if (depth < 4 && item.collapsibleState !== vscode.TreeItemCollapsibleState.None) {
        for (const child of await functions.getChildren(node)) await walk(child, depth + 1);
      }
    };
    await walk(await functionRow(FEATURED), 0);
    assert.ok(seen.length > 20, `walked ${seen.length} rows`);
    assert.ok(!seen.join('\n').includes(FAKE_SECRET));
  });

  it('the filter keeps the functions whose name contains the text, and says when none does', async () => {
    const functions = await tree();
    await allRootRows();
    try {
      functions.setFilter('ORDERS-proc');
      const rows = await functions.getChildren();
      assert.deepEqual(
        rows.map((row) => row.kind === 'function' && row.functionName),
        [FEATURED],
      );
      functions.setFilter('no-such-function');
      const none = await functions.getChildren();
      assert.ok(
        none.length === 1 && none[0]?.kind === 'message' && none[0].text === 'No function name contains "no-such-function"',
      );
    } finally {
      functions.setFilter('');
    }
    assert.equal((await functions.getChildren()).length, SEEDED);
  });

  it('a function without triggers or aliases says so in a row', async () => {
    const groups = await childrenByLabel(await functionRow('remote-echo'));
    assert.deepEqual([...(await childrenByLabel(pick(groups, 'Triggers'))).keys()], ['No triggers']);
    assert.deepEqual([...(await childrenByLabel(pick(groups, 'Aliases'))).keys()], ['No aliases']);
  });

  it('Copy Name and Copy ARN put them on the clipboard', async () => {
    const row = await functionRow(FEATURED);
    await vscode.commands.executeCommand('lambdaWorkbench.copyFunctionName', row);
    assert.equal(await vscode.env.clipboard.readText(), FEATURED);
    await vscode.commands.executeCommand('lambdaWorkbench.copyFunctionArn', row);
    assert.equal(await vscode.env.clipboard.readText(), `arn:aws:lambda:us-east-1:123456789012:function:${FEATURED}`);
  });

  it('Download Code unpacks the deployed package into a new folder of the workspace', async () => {
    const folder = await vscode.commands.executeCommand<string | undefined>(
      'lambdaWorkbench.downloadCode',
      await functionRow(FEATURED),
    );
    assert.ok(folder, 'the command returns the folder');
    try {
      assert.equal(folder, join(workspaceRoot(), FEATURED));
      assert.match(readFileSync(join(folder, 'index.mjs'), 'utf8'), /export const handler/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('Invoke Remotely from an alias row invokes that alias', async () => {
    const groups = await childrenByLabel(await functionRow(FEATURED));
    const live = pick(await childrenByLabel(pick(groups, 'Aliases')), 'live');
    const result = await vscode.commands.executeCommand<InvocationResult | undefined>('lambdaWorkbench.invokeRemote', {
      ...live,
      event: { from: 'alias row' },
      eventLabel: 'host test',
    });
    assert.equal(result?.target.kind, 'remote');
    assert.equal(result.target.kind === 'remote' ? result.target.qualifier : undefined, 'live');
    // moto's Lambda without Docker answers with the event it was given.
    assert.deepEqual(result.payloadJson, { from: 'alias row' });
  });

  it('a function deleted while shown turns into a "not found" row when expanded', async () => {
    const victim = (await allRootRows()).find((r) => r.kind === 'function' && r.functionName.startsWith('svc-0100'));
    assert.ok(victim?.kind === 'function');
    const response = await fetch(`${process.env['LAMBDA_WB_TEST_AWS_URL']}/2015-03-31/functions/${victim.functionName}`, {
      method: 'DELETE',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDMOTOTEST/20260101/us-east-1/lambda/aws4_request' },
    });
    assert.equal(response.status, 204);
    const rows = await (await tree()).getChildren(victim);
    assert.equal(rows.length, 1);
    assert.ok(rows[0]?.kind === 'message' && rows[0].tone === 'notFound');
    assert.match(rows[0].text, /was not found: it was deleted or renamed/);
  });
});

describe('switching the AWS profile', () => {
  const configFile = process.env['AWS_CONFIG_FILE'] ?? '';
  const credentialsFile = process.env['AWS_SHARED_CREDENTIALS_FILE'] ?? '';
  const aws = () => vscode.workspace.getConfiguration('lambdaWorkbench.aws');

  after(async () => {
    await aws().update('profile', undefined, vscode.ConfigurationTarget.Workspace);
  });

  async function waitForProfile(profile: string | undefined): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((await (await api()).connection()).profile === profile) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail(`the connection never switched to ${profile ?? 'the default chain'}`);
  }

  it('a profile from the shared files rebuilds the connection and the tree lists its functions', async () => {
    writeFileSync(
      credentialsFile,
      '[moto-dev]\naws_access_key_id = AKIDMOTOTEST\naws_secret_access_key = moto-secret-not-used\n',
    );
    writeFileSync(configFile, '[profile moto-dev]\nregion = us-east-1\n[profile broken]\ncredential_process = false\n');
    await aws().update('profile', 'moto-dev', vscode.ConfigurationTarget.Workspace);
    await waitForProfile('moto-dev');
    const functions = (await allRootRows()).filter((row) => row.kind === 'function');
    assert.equal(functions.length, SEEDED - 1, 'the deleted function is gone after the refresh');
  });

  it('a profile whose credentials fail shows a failed row with the reason, not an exception', async () => {
    await aws().update('profile', 'broken', vscode.ConfigurationTarget.Workspace);
    await waitForProfile('broken');
    const rows = await allRootRows();
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.ok(row?.kind === 'message' && row.tone === 'failed');
    assert.match(
      row.text,
      /^Failed to load: no AWS credentials could be loaded from the profile "broken".* - click for details$/,
    );
    assert.ok(!existsSync(join(workspaceRoot(), 'broken')));
  });
});

// The workspace's functions in the real extension host: what discovery lists, the Local view's
// rows, the handler CodeLens, and an invalid template reported on its file while the rest lists.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { until } from './until';
import type { LambdaWorkbenchApi } from '../../src/extension';
import type { LocalNode } from '../../src/ui/local-tree';

function extension(): vscode.Extension<LambdaWorkbenchApi> {
  const found = vscode.extensions.getExtension<LambdaWorkbenchApi>('lambda-workbench.lambda-workbench');
  assert.ok(found, 'the extension is installed in the extension host');
  return found;
}

function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

describe('the Local view', () => {
  it('lists the template functions linked to their code, and handler code no template names', async () => {
    const api = await extension().activate();
    const functions = await api.localFunctions();
    const hello = functions.find((f) => f.fn.config.name === 'HelloFunction');
    assert.ok(hello, functions.map((f) => f.fn.config.name).join(', '));
    assert.equal(hello.fn.source, 'template');
    assert.equal(hello.fn.config.runtime, 'nodejs20.x');
    assert.equal(hello.fn.handlerCode?.file, workspaceFile('src', 'handler.ts').fsPath);
    assert.equal(hello.fn.handlerCode?.exportName, 'handler');
    assert.equal(hello.fn.handlerCode?.line, 1);
    assert.equal(hello.source, 'template.yaml');
    // The template's parameter as samconfig.toml overrides it, as the CLI reads it.
    assert.deepEqual(hello.fn.config.environment, { GREETING: 'hola' });
    // broken.ts is named by no template: a function of its own, with the default Node.js runtime.
    const broken = functions.find((f) => f.fn.source === 'code');
    assert.equal(broken?.fn.config.name, 'broken');
    assert.equal(broken?.fn.config.runtime, 'nodejs22.x');
  });

  it('groups the rows by source, with saved events under each function', async () => {
    const api = await extension().activate();
    const tree = api.features().localTree;
    const groups = await tree.getChildren();
    assert.deepEqual(
      groups.map((g) => tree.getTreeItem(g).label),
      ['SAM templates', 'Handler code'],
    );
    const [templates] = groups as [LocalNode];
    const rows = await tree.getChildren(templates);
    assert.deepEqual(
      rows.map((r) => [tree.getTreeItem(r).label, tree.getTreeItem(r).description]),
      // In the template's order.
      [
        ['HelloFunction', 'nodejs20.x'],
        ['BrokenFunction', 'nodejs20.x'],
        ['RegionFunction', 'nodejs20.x'],
      ],
    );
    const hello = rows[0];
    assert.ok(hello);
    // Its triggers as the template declares them, its layers, then its saved events.
    const children = await tree.getChildren(hello);
    assert.deepEqual(
      children.map((child) => {
        const item = tree.getTreeItem(child);
        return [item.label, item.description, item.contextValue];
      }),
      [
        ['GET /hello/{name}', 'HTTP API · payload 2.0', 'localTrigger.route'],
        ['SQS: JobsQueue', 'batch 5', 'localTrigger.eventSource'],
        ['Layer shared', 'layers/shared', 'localLayer'],
        ['Layer AWSLambdaPowertoolsTypeScriptV2 v12', 'published', 'localLayer'],
        ['No saved events', undefined, 'message'],
      ],
    );
    // The project's layer opens where the template defines it.
    const layerCommand = tree.getTreeItem(children[2] as LocalNode).command;
    assert.equal(layerCommand?.command, 'vscode.open');
    assert.equal((layerCommand?.arguments?.[0] as vscode.Uri).fsPath, workspaceFile('template.yaml').fsPath);
    assert.equal((layerCommand?.arguments?.[1] as { selection: vscode.Range }).selection.start.line, 32);
    assert.equal(tree.getTreeItem(children[1] as LocalNode).tooltip, 'arn:aws:sqs:us-east-1:123456789012:jobs');
  });
});

describe('the handler CodeLens', () => {
  afterEach(async () => {
    await vscode.workspace
      .getConfiguration('lambdaWorkbench')
      .update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('puts Invoke locally, Debug and Deploy above the handler, for its function', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      workspaceFile('src', 'handler.ts'),
    );
    const ours = lenses.filter((l) => l.command?.command.startsWith('lambdaWorkbench.'));
    assert.deepEqual(
      ours.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [0, '$(play) Invoke locally', 'lambdaWorkbench.invokeLocal', [{ functionName: 'HelloFunction' }]],
        [0, '$(debug-alt-small) Debug', 'lambdaWorkbench.debug', [{ functionName: 'HelloFunction' }]],
        [0, '$(cloud-upload) Deploy', 'lambdaWorkbench.deploy', [{ functionName: 'HelloFunction' }]],
      ],
    );
  });

  it('shows none when the setting turns them off', async () => {
    await vscode.workspace
      .getConfiguration('lambdaWorkbench')
      .update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      workspaceFile('src', 'handler.ts'),
    );
    assert.deepEqual(
      lenses.filter((l) => l.command?.command.startsWith('lambdaWorkbench.')),
      [],
    );
  });
});

describe('an invalid template', () => {
  const folder = workspaceFile('invalid-service').fsPath;
  after(async () => {
    rmSync(folder, { recursive: true, force: true });
    (await extension().activate()).features().localFunctions.refresh();
  });

  it('is a diagnostic on its file at the line, and the other functions still list', async () => {
    mkdirSync(folder, { recursive: true });
    const template = join(folder, 'template.yaml');
    writeFileSync(
      template,
      [
        "AWSTemplateFormatVersion: '2010-09-09'",
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Broken:',
        '    Type: AWS::Serverless::Function',
        '    Properties: [unclosed',
        '',
      ].join('\n'),
    );
    const api = await extension().activate();
    api.features().localFunctions.refresh();
    const diagnostics = await until(
      () => vscode.languages.getDiagnostics(vscode.Uri.file(template)),
      (found) => found.length > 0,
      'a diagnostic on the invalid template',
    );
    assert.equal(diagnostics[0]?.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(
      (diagnostics[0]?.range.start.line ?? -1) >= 5,
      `the problem is located at line 6 or after: ${JSON.stringify(diagnostics[0]?.range)}`,
    );
    const names = (await api.localFunctions()).map((f) => f.fn.config.name);
    assert.ok(names.includes('HelloFunction'), names.join(', '));
    // The Local view shows it too, above the functions, as a row that opens the file at the line.
    const tree = api.features().localTree;
    const [problems] = await tree.getChildren();
    assert.ok(problems);
    assert.deepEqual([tree.getTreeItem(problems).label, tree.getTreeItem(problems).description], ['Problems', '1']);
    const [row] = await tree.getChildren(problems);
    assert.ok(row);
    const item = tree.getTreeItem(row);
    assert.equal(
      item.description,
      `invalid-service/template.yaml:${diagnostics[0]?.range.start.line === undefined ? '?' : diagnostics[0].range.start.line + 1}`,
    );
    assert.equal(item.command?.command, 'vscode.open');
    assert.equal((item.command?.arguments?.[0] as vscode.Uri).fsPath, template);
  });
});

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { until } from './until';
import type { LambdaWorkbenchApi } from '../../src/extension';
import type { InvocationResult } from '../../src/core/invoke/invocation';

async function api(): Promise<LambdaWorkbenchApi> {
  const extension = vscode.extensions.getExtension<LambdaWorkbenchApi>('lambda-workbench.lambda-workbench');
  assert.ok(extension);
  return extension.activate();
}

/** The result views open, once the workbench has added the tab (it does so a moment after the panel is created). */
async function resultTabs(): Promise<vscode.Tab[]> {
  let tabs: vscode.Tab[] = [];
  for (let i = 0; i < 40 && tabs.length === 0; i++) {
    tabs = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('lambdaWorkbench.result'));
    if (tabs.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return tabs;
}

describe('Lambda: Invoke Locally', () => {
  it("invokes a template's TypeScript function in the local emulator and shows the result with REPORT metrics", async () => {
    const result = await vscode.commands.executeCommand<InvocationResult | undefined>('lambdaWorkbench.invokeLocal', {
      functionName: 'HelloFunction',
      event: { name: 'host' },
      eventLabel: 'host test',
    });
    assert.ok(result, 'the command returns the result');
    assert.deepEqual(result.payloadJson, { statusCode: 200, body: 'hello, host' });
    assert.equal(result.target.kind, 'local');
    assert.ok(result.metrics, 'metrics from the REPORT line');
    assert.ok((result.metrics.initDurationMs ?? 0) > 0, 'the first invocation is a cold start');
    const shown = (await api()).shownResult();
    assert.equal(shown?.result.requestId, result.requestId);
    assert.equal(shown?.eventLabel, 'host test');
    assert.equal((await resultTabs()).length, 1, 'one result view');
  });

  it('invokes again with the same function, event and target, warm this time', async () => {
    const again = await vscode.commands.executeCommand<InvocationResult | undefined>('lambdaWorkbench.invokeAgain');
    assert.ok(again);
    assert.deepEqual(again.payloadJson, { statusCode: 200, body: 'hello, host' });
    assert.equal(again.metrics?.initDurationMs, undefined);
    assert.equal((await resultTabs()).length, 1, 'the same view shows the new result');
  });

  it('a function added to the template is served beside the others, which stay warm', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const template = join(folder.uri.fsPath, 'template.yaml');
    const original = await readFile(template, 'utf8');
    const names = async () => (await (await api()).localFunctions()).map((f) => f.fn.config.name);
    const invoke = (functionName: string, event: unknown) =>
      vscode.commands.executeCommand<InvocationResult | undefined>('lambdaWorkbench.invokeLocal', { functionName, event });
    try {
      const added = ['  EchoFunction:', '    Type: AWS::Serverless::Function', '    Properties:', '      CodeUri: src/'];
      await writeFile(
        template,
        [original, ...added, '      Handler: handler.handler', '      Runtime: nodejs20.x', ''].join('\n'),
      );
      await until(names, (list) => list.includes('EchoFunction'), 'the Local view to list EchoFunction');
      const echo = await invoke('EchoFunction', { name: 'echo' });
      assert.deepEqual(echo?.payloadJson, { statusCode: 200, body: 'hello, echo' });
      assert.ok((echo?.metrics?.initDurationMs ?? 0) > 0, 'the new function starts cold');
      const hello = await invoke('HelloFunction', { name: 'again' });
      assert.deepEqual(hello?.payloadJson, { statusCode: 200, body: 'hello, again' });
      assert.equal(hello?.metrics?.initDurationMs, undefined, 'the emulator was not restarted: HelloFunction is still warm');
    } finally {
      await writeFile(template, original);
      await until(names, (list) => !list.includes('EchoFunction'), 'the Local view to drop EchoFunction');
    }
  });

  it('local functions see the region chosen in the editor; choosing another restarts the emulator with it', async () => {
    const aws = vscode.workspace.getConfiguration('lambdaWorkbench.aws');
    const regionSeen = async () =>
      (
        await vscode.commands.executeCommand<InvocationResult | undefined>('lambdaWorkbench.invokeLocal', {
          functionName: 'RegionFunction',
          event: {},
        })
      )?.payloadJson;
    try {
      await aws.update('region', 'eu-west-3', vscode.ConfigurationTarget.Workspace);
      assert.deepEqual(await regionSeen(), { region: 'eu-west-3', defaultRegion: 'eu-west-3' });
      await aws.update('region', 'ap-south-1', vscode.ConfigurationTarget.Workspace);
      assert.deepEqual(await regionSeen(), { region: 'ap-south-1', defaultRegion: 'ap-south-1' });
    } finally {
      await aws.update('region', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('a function error is shown as a result, not thrown', async () => {
    const result = await vscode.commands.executeCommand<InvocationResult | undefined>('lambdaWorkbench.invokeLocal', {
      functionName: 'BrokenFunction',
      event: {},
    });
    assert.equal(result?.error?.type, 'Runtime.ImportModuleError');
    assert.equal((await api()).shownResult()?.result.error?.type, 'Runtime.ImportModuleError');
  });

  it('an unknown function is reported, and nothing is invoked', async () => {
    const before = (await api()).shownResult()?.result.requestId;
    const result: unknown = await vscode.commands.executeCommand('lambdaWorkbench.invokeLocal', {
      functionName: 'Nope',
      event: {},
    });
    assert.equal(result, undefined);
    assert.equal((await api()).shownResult()?.result.requestId, before);
  });
});

describe('Lambda: Invoke Remotely', () => {
  it('invokes a deployed function (moto) through the same model and view', async () => {
    const result = await vscode.commands.executeCommand<InvocationResult | undefined>('lambdaWorkbench.invokeRemote', {
      functionName: 'remote-echo',
      event: { from: 'the host' },
    });
    assert.ok(result, 'the command returns the result');
    assert.equal(result.target.kind, 'remote');
    assert.deepEqual(result.payloadJson, { from: 'the host' });
    assert.equal((await api()).shownResult()?.result.requestId, result.requestId);
  });

  it('invokes again the remote function it invoked last', async () => {
    const again = await vscode.commands.executeCommand<InvocationResult | undefined>('lambdaWorkbench.invokeAgain');
    assert.equal(again?.target.kind, 'remote');
    assert.deepEqual(again?.payloadJson, { from: 'the host' });
  });
});

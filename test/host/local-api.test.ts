// The local HTTP API from the editor: started from the command, listed in the Local view with its
// APIs and routes, answering over real HTTP, and stopped with nothing left running.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LambdaWorkbenchApi } from '../../src/extension';
import type { LocalNode } from '../../src/ui/local-tree';

function extension(): vscode.Extension<LambdaWorkbenchApi> {
  const found = vscode.extensions.getExtension<LambdaWorkbenchApi>('lambda-workbench.lambda-workbench');
  assert.ok(found, 'the extension is installed in the extension host');
  return found;
}

describe('Lambda: Start Local API', () => {
  before(async () => {
    // Free ports: a fixed one may be taken on the machine running the tests.
    await vscode.workspace.getConfiguration('lambdaWorkbench').update('localApi.port', 0, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.commands.executeCommand('lambdaWorkbench.stopLocalApi');
    await vscode.workspace
      .getConfiguration('lambdaWorkbench')
      .update('localApi.port', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it("serves the template's HTTP API, lists it in the Local view with its routes, and stops", async () => {
    const api = await extension().activate();
    await vscode.commands.executeCommand('lambdaWorkbench.startLocalApi');
    const { localApi, localTree } = api.features();
    assert.equal(localApi.running, true);
    const httpApi = localApi.apis.find((served) => served.id === 'ServerlessHttpApi');
    assert.ok(httpApi, localApi.apis.map((served) => served.id).join(', '));
    assert.deepEqual(
      httpApi.routes.map((route) => [route.method, route.path, route.functionName]),
      [['GET', '/hello/{name}', 'HelloFunction']],
    );
    const [route] = httpApi.routes;
    assert.ok(route);
    const answer = await fetch(route.url.replace('{name}', 'ada'));
    assert.deepEqual([answer.status, await answer.text()], [200, 'hello, world']);

    const [top] = await localTree.getChildren();
    assert.ok(top);
    assert.deepEqual([localTree.getTreeItem(top).label, localTree.getTreeItem(top).description], ['Local API', 'running']);
    const apis = await localTree.getChildren(top);
    const row = apis.find((node) => localTree.getTreeItem(node).label === 'ServerlessHttpApi');
    assert.ok(row);
    const routes = await localTree.getChildren(row);
    assert.deepEqual(
      routes.map((node: LocalNode) => {
        const item = localTree.getTreeItem(node);
        return [item.label, item.description, item.contextValue];
      }),
      [['GET /hello/{name}', 'HelloFunction', 'servedRoute.get']],
    );

    await vscode.commands.executeCommand('lambdaWorkbench.stopLocalApi');
    assert.equal(localApi.running, false);
    await assert.rejects(fetch(route.url.replace('{name}', 'ada')), 'nothing answers once it is stopped');
    const after = await localTree.getChildren();
    assert.ok(after.every((node) => node.kind !== 'servedApis'));
  });
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LambdaWorkbenchApi } from '../../src/extension';

const EXTENSION_ID = 'lambda-workbench.lambda-workbench';

function extension(): vscode.Extension<LambdaWorkbenchApi> {
  const found = vscode.extensions.getExtension<LambdaWorkbenchApi>(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is installed in the extension host`);
  return found;
}

function loadedModules(pattern: RegExp): string[] {
  return Object.keys(require.cache).filter((path) => pattern.test(path));
}

describe('activation', () => {
  it('activates without loading esbuild or the AWS SDK', async () => {
    const api = await extension().activate();
    assert.ok(api.config, 'activate() returns the API');
    assert.deepEqual(loadedModules(/[\\/](node_modules[\\/](esbuild|@esbuild|@aws-sdk|@smithy)|dist[\\/]vendor)[\\/]/), []);
  });

  it('registers every command the manifest contributes', async () => {
    const contributed = (extension().packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands;
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });
});

describe('settings', () => {
  const config = () => vscode.workspace.getConfiguration('lambdaWorkbench');

  afterEach(async () => {
    for (const key of ['bundle.minify', 'defaultRuntime.node']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('reads valid values as set', async () => {
    await config().update('bundle.minify', true, vscode.ConfigurationTarget.Workspace);
    await config().update('defaultRuntime.node', 'nodejs20.x', vscode.ConfigurationTarget.Workspace);
    const api = await extension().activate();
    assert.equal(api.config.bundleMinify, true);
    assert.equal(api.config.defaultNodeRuntime, 'nodejs20.x');
  });

  it('falls back to the default for a malformed value instead of throwing', async () => {
    await config().update('bundle.minify', 'yes', vscode.ConfigurationTarget.Workspace);
    await config().update('defaultRuntime.node', 'nodejs8.10', vscode.ConfigurationTarget.Workspace);
    const api = await extension().activate();
    assert.equal(config().get('bundle.minify'), 'yes', 'the malformed value really is stored');
    assert.equal(api.config.bundleMinify, false);
    assert.equal(api.config.defaultNodeRuntime, 'nodejs22.x');
  });
});

describe('Lambda: Bundle Handler', () => {
  const file = (name: string) => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    return vscode.Uri.joinPath(folder.uri, 'src', name);
  };

  it('bundles the handler with the esbuild shipped in the extension', async () => {
    const result = await vscode.commands.executeCommand<{ outFile: string; bytes: number; esbuildVersion: string }>(
      'lambdaWorkbench.bundleHandler',
      file('handler.ts'),
    );
    assert.ok(result, 'the command returns the bundle result');
    assert.ok(existsSync(result.outFile));
    assert.match(readFileSync(result.outFile, 'utf8'), /hello, /);
    assert.match(result.esbuildVersion, /^\d+\.\d+\.\d+$/);
  });

  it('bundles the active editor when invoked from the palette', async () => {
    await vscode.window.showTextDocument(file('handler.ts'));
    const result = await vscode.commands.executeCommand<{ outFile: string } | undefined>('lambdaWorkbench.bundleHandler');
    assert.ok(result?.outFile.endsWith('handler.js'));
  });

  it('reports a syntax error instead of throwing into the extension host, and logs it', async () => {
    const result: unknown = await vscode.commands.executeCommand('lambdaWorkbench.bundleHandler', file('broken.ts'));
    assert.equal(result, undefined);
    const { logUri } = await extension().activate();
    const logFile = vscode.Uri.joinPath(logUri, 'Lambda Workbench.log').fsPath;
    // The log channel flushes to its file asynchronously.
    let text = '';
    for (let i = 0; i < 50 && !text.includes('broken.ts:'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    }
    assert.match(
      text,
      /\[error\] Lambda: Bundle Handler failed\.\nBundleError: Bundling broken\.ts failed: src\/broken\.ts:4:\d+: /,
    );
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('Lambda: Bundle Current Handler', () => {
  const file = (name: string) => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    return vscode.Uri.joinPath(folder.uri, 'src', name);
  };

  it('writes the deployment package of the function whose handler the file holds', async () => {
    const result = await vscode.commands.executeCommand<{
      zipPath: string;
      bytes: number;
      codeSha256: string;
      files: string[];
      bundle?: { esbuildVersion: string };
    }>('lambdaWorkbench.bundleHandler', file('handler.ts'));
    assert.ok(result, 'the command returns the package');
    assert.ok(result.zipPath.endsWith(join('.lambda', 'build', 'HelloFunction.zip')), result.zipPath);
    const zip = readFileSync(result.zipPath);
    assert.equal(zip.length, result.bytes);
    assert.equal(createHash('sha256').update(zip).digest('base64'), result.codeSha256);
    assert.ok(result.files.includes('handler.js'), result.files.join(', '));
    assert.match(result.bundle?.esbuildVersion ?? '', /^\d+\.\d+\.\d+$/);
  });

  it("bundles the active editor's function when invoked from the palette", async () => {
    await vscode.window.showTextDocument(file('handler.ts'));
    const result = await vscode.commands.executeCommand<{ zipPath: string } | undefined>('lambdaWorkbench.bundleHandler');
    assert.ok(result?.zipPath.endsWith('HelloFunction.zip'));
  });

  it('reports a syntax error in the Problems panel and the log instead of throwing into the extension host', async () => {
    const result: unknown = await vscode.commands.executeCommand('lambdaWorkbench.bundleHandler', file('broken.ts'));
    assert.equal(result, undefined);
    const problems = vscode.languages.getDiagnostics(file('broken.ts')).filter((d) => d.source === 'esbuild');
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0]?.range.start.line, 3, "esbuild's error is on line 4");
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
      /\[error\] Lambda: Bundle Current Handler failed\.\nBundleError: Bundling broken\.ts failed: src\/broken\.ts:4:\d+: /,
    );
  });
});

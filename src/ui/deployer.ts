// Bundle and deploy from the editor: the function is the one given (a lens, a row) or the one
// whose handler is in the active editor; the deployed function is the one its template names or
// the one chosen once and remembered in `.lambda/functions.json`. esbuild's errors become
// problems in the Problems panel, and stop the deploy before anything is sent.
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { BundleError } from '../core/bundle/bundle';
import { buildDeploymentPackage, type DeploymentPackage } from '../core/bundle/deployment-package';
import type { SizeReport } from '../core/bundle/size-report';
import { DeployCancelledError, DeployError, deployLocalFunction, type DeployResult } from '../core/deploy/deploy';
import { writeAtomically } from '../core/events/saved-events';
import { WorkbenchError } from '../core/errors';
import type { AwsClients } from './aws';
import type { Ctx } from './ctx';
import { pickRemoteFunction } from './function-picker';
import { functionNameOf, pickLocalFunction } from './function-ref';
import type { LocalActions } from './local-actions';
import type { LocalFunction, LocalFunctions } from './local-functions';

/** Where "Bundle Current Handler" writes packages, relative to the workspace folder. */
const PACKAGES_FOLDER = join('.lambda', 'build');

export class Deployer implements vscode.Disposable {
  private readonly problems = vscode.languages.createDiagnosticCollection('lambdaWorkbench.bundle');
  private readonly disposables: { dispose(): unknown }[];
  /** Deploys on save in flight, by function, so saves in a burst deploy once after the last. */
  private readonly onSave = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ctx: Ctx,
    private readonly functions: LocalFunctions,
    private readonly actions: LocalActions,
    private readonly aws: AwsClients,
  ) {
    this.disposables = [this.problems, vscode.workspace.onDidSaveTextDocument((document) => this.deployOnSave(document))];
  }

  /** "Lambda: Bundle Current Handler": writes the function's deployment package and shows its size report. */
  async bundle(arg: unknown): Promise<(DeploymentPackage & { readonly zipPath: string }) | undefined> {
    const local = await this.functionOf(arg, 'Bundle Current Handler');
    if (local === undefined) return undefined;
    const pkg = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Bundling ${local.fn.config.name}` },
      () => this.build(local),
    );
    const zipPath = join(local.folder.uri.fsPath, PACKAGES_FOLDER, `${local.fn.config.name}.zip`);
    await mkdir(dirname(zipPath), { recursive: true });
    await writeAtomically(zipPath, pkg.zip);
    const summary =
      `Bundled ${local.fn.config.name}: ${formatBytes(pkg.bytes)} zip (${formatBytes(pkg.unzippedBytes)} unzipped) ` +
      `in ${Math.round(pkg.durationMs)} ms, CodeSha256 ${pkg.codeSha256}.`;
    this.ctx.log.info(`${summary} Written to ${zipPath}.`);
    for (const warning of pkg.warnings) this.ctx.log.warn(`${local.fn.config.name}: ${warning}`);
    void vscode.window.showInformationMessage(summary, 'Show Size Report').then(async (choice) => {
      if (choice !== undefined) await this.showSizeReport(local, pkg, zipPath);
    });
    return { ...pkg, zipPath };
  }

  /** "Lambda: Deploy Current Handler". */
  async deploy(arg: unknown): Promise<DeployResult | undefined> {
    const local = await this.functionOf(arg, 'Deploy Current Handler');
    if (local === undefined) return undefined;
    const remote = local.fn.remoteName ?? (await this.chooseRemote(local));
    if (remote === undefined) return undefined;
    return this.deployTo(local, remote, true);
  }

  /** "Deploy Here" on a deployed function: choose the local function, remember the pairing, deploy. */
  async deployHere(arg: unknown): Promise<DeployResult | undefined> {
    const remote = functionNameOf(arg);
    if (remote === undefined) throw new WorkbenchError('Choose "Deploy Here" on a function of the Functions view.');
    const local = await this.actions.target(undefined, `Deploy to ${remote}`);
    if (local === undefined) return undefined;
    if (local.fn.remoteName !== remote) await this.functions.remember(local, { remoteFunction: remote });
    return this.deployTo(local, remote, true);
  }

  /** Turns "deploy on save" on or off for a function, in `.lambda/functions.json`. */
  async toggleDeployOnSave(arg: unknown): Promise<void> {
    const local = await this.functionOf(arg, 'Toggle Deploy on Save');
    if (local === undefined) return;
    const on = local.settings.deployOnSave !== true;
    if (on && local.fn.remoteName === undefined) {
      const remote = await this.chooseRemote(local);
      if (remote === undefined) return;
    }
    await this.functions.remember(local, { deployOnSave: on ? true : undefined });
    void vscode.window.showInformationMessage(
      on
        ? `${local.fn.config.name} now deploys each time a file of ${relative(local.folder.uri.fsPath, local.fn.config.codeDir) || 'the workspace'} is saved.`
        : `${local.fn.config.name} no longer deploys on save.`,
    );
  }

  dispose(): void {
    for (const item of this.disposables.splice(0)) item.dispose();
  }

  private async deployTo(local: LocalFunction, remote: string, interactive: boolean): Promise<DeployResult | undefined> {
    const ready = await this.functions.withRuntime(local);
    if (ready === undefined) return undefined;
    await saveDocumentsUnder(ready.fn.config.codeDir);
    const connection = await this.aws.connection();
    const name = ready.fn.config.name;
    const started = performance.now();
    let result: DeployResult & { readonly package: DeploymentPackage };
    try {
      result = await vscode.window.withProgress(
        {
          location: interactive ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
          title: `Deploying ${name} to ${remote}`,
          cancellable: interactive,
        },
        async (progress, token) => {
          const cancel = new AbortController();
          token.onCancellationRequested(() => cancel.abort());
          const client = await this.aws.lambda();
          const s3Bucket = this.ctx.config.deployS3Bucket;
          const alias = this.ctx.config.deployAlias;
          return deployLocalFunction(client, ready.fn.config, {
            functionName: remote,
            connection,
            publish: this.ctx.config.deployPublishVersion || alias !== '',
            ...(alias === '' ? {} : { alias }),
            ...(s3Bucket === '' ? {} : { s3Bucket }),
            signal: cancel.signal,
            onProgress: ({ message }) => {
              progress.report({ message });
              this.ctx.log.info(`Deploy ${name} → ${remote}: ${message}`);
            },
            ...this.packageOptions(ready),
          });
        },
      );
    } catch (error) {
      this.showBundleProblems(error);
      if (error instanceof DeployCancelledError) {
        void vscode.window.showWarningMessage(error.message);
        return undefined;
      }
      if (error instanceof DeployError) this.ctx.log.error(`Deploy ${name} → ${remote}: ${JSON.stringify(error.state)}`);
      throw error;
    }
    this.problems.clear();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const message = result.skipped
      ? `${remote} is already up to date with ${name} (${formatBytes(result.bytes)}, CodeSha256 ${result.codeSha256}); nothing was uploaded.`
      : `Deployed ${name} to ${remote}: ${formatBytes(result.bytes)} in ${seconds} s` +
        (result.version === undefined ? '' : `, version ${result.version}`) +
        (result.alias === undefined ? '' : `, alias ${result.alias}`) +
        '.';
    this.ctx.log.info(message);
    const invoke = 'Invoke';
    const sourceMaps = 'Enable Source Maps';
    const missing = Object.keys(result.missingEnvironment).length > 0;
    if (!interactive) {
      vscode.window.setStatusBarMessage(`$(cloud-upload) ${message}`, 10_000);
      return result;
    }
    void vscode.window.showInformationMessage(message, invoke, ...(missing ? [sourceMaps] : [])).then(async (choice) => {
      if (choice === invoke) await vscode.commands.executeCommand('lambdaWorkbench.invokeRemote', { functionName: remote });
      if (choice === sourceMaps) await this.setEnvironment(remote, result.missingEnvironment);
    });
    return result;
  }

  private packageOptions(local: LocalFunction) {
    return {
      minify: this.ctx.config.bundleMinify,
      sourcemap: this.ctx.config.bundleSourcemap,
      bundleAwsSdk: this.ctx.config.bundleAwsSdk,
      displayRoot: local.folder.uri.fsPath,
      // Built code (a CDK asset, `sam build` output) ships as it was built; its handlerCode is the
      // source it was built from, for lenses, not an entry point to bundle again.
      ...(local.fn.built === true
        ? { built: true }
        : local.fn.handlerCode === undefined
          ? {}
          : { entry: local.fn.handlerCode.file }),
    };
  }

  private async build(local: LocalFunction): Promise<DeploymentPackage> {
    const ready = await this.functions.withRuntime(local);
    if (ready === undefined) throw new WorkbenchError('Bundling was cancelled: the function has no runtime.');
    await saveDocumentsUnder(ready.fn.config.codeDir);
    try {
      const pkg = await buildDeploymentPackage(ready.fn.config, this.packageOptions(ready));
      this.problems.clear();
      return pkg;
    } catch (error) {
      this.showBundleProblems(error);
      throw error;
    }
  }

  /** esbuild's errors, in the Problems panel at their lines. */
  private showBundleProblems(error: unknown): void {
    this.problems.clear();
    if (!(error instanceof BundleError)) return;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of error.problems) {
      if (problem.file === undefined) continue;
      const line = Math.max(0, (problem.line ?? 1) - 1);
      const column = problem.column ?? 0;
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, column, line, column + 1), problem.text);
      diagnostic.source = 'esbuild';
      byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), diagnostic]);
    }
    for (const [file, diagnostics] of byFile) this.problems.set(vscode.Uri.file(file), diagnostics);
  }

  /** The function of a lens or row, else the one whose handler is in the given file or the active editor. */
  private async functionOf(arg: unknown, purpose: string): Promise<LocalFunction | undefined> {
    if (functionNameOf(arg) !== undefined) return this.actions.target(arg, purpose);
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (uri === undefined) return this.actions.target(undefined, purpose);
    const inFile = await this.functions.inFile(uri.fsPath);
    if (inFile.length === 1) return inFile[0];
    if (inFile.length > 1) {
      return pickLocalFunction(this.functions, {
        title: purpose,
        placeHolder: `${basename(uri.fsPath)} is the handler of several functions`,
        whenNone: '',
        among: inFile,
      });
    }
    throw new WorkbenchError(
      `${basename(uri.fsPath)} holds no Lambda handler that Lambda Workbench found: no exported handler function, and no SAM template or serverless.yml names it. Open a handler (the Local view lists them), then try again.`,
    );
  }

  /** Asks which deployed function a local one deploys to, once; the answer is remembered in the workspace. */
  private async chooseRemote(local: LocalFunction): Promise<string | undefined> {
    const remote = await pickRemoteFunction(this.aws, `Deploy ${local.fn.config.name} to…`);
    if (remote === undefined) return undefined;
    await this.functions.remember(local, { remoteFunction: remote });
    return remote;
  }

  private async setEnvironment(remote: string, variables: Readonly<Record<string, string>>): Promise<void> {
    await this.aws.callLambda(
      { doing: `Updating the environment of ${remote}`, action: 'lambda:UpdateFunctionConfiguration' },
      async (client) => {
        const { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
        const current = await client.send(new GetFunctionConfigurationCommand({ FunctionName: remote }));
        await client.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: remote,
            Environment: { Variables: { ...current.Environment?.Variables, ...variables } },
          }),
        );
      },
    );
    void vscode.window.showInformationMessage(`${remote} now has ${Object.keys(variables).join(', ')} set.`);
  }

  private deployOnSave(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file') return;
    void this.functions.list().then((functions) => {
      for (const local of functions) {
        if (local.settings.deployOnSave !== true || local.fn.remoteName === undefined) continue;
        if (!isInside(document.uri.fsPath, local.fn.config.codeDir)) continue;
        const name = local.fn.config.name;
        const previous = this.onSave.get(name) ?? Promise.resolve();
        const next = previous
          .then(() => this.deployTo(local, local.fn.remoteName ?? '', false))
          .catch((error: unknown) => {
            this.ctx.log.error(`Deploy on save of ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
            void vscode.window.showErrorMessage(
              `Deploy on save of ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
            );
          });
        this.onSave.set(name, next);
      }
    });
  }

  private async showSizeReport(local: LocalFunction, pkg: DeploymentPackage, zipPath: string): Promise<void> {
    const document = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: sizeReportMarkdown(local.fn.config.name, pkg, zipPath, pkg.bundle?.size),
    });
    await vscode.window.showTextDocument(document, { preview: true });
  }
}

function sizeReportMarkdown(name: string, pkg: DeploymentPackage, zipPath: string, size: SizeReport | undefined): string {
  const lines = [
    `# ${name}: deployment package`,
    '',
    `- Zip: \`${zipPath}\`, ${formatBytes(pkg.bytes)} (${formatBytes(pkg.unzippedBytes)} unzipped)`,
    `- CodeSha256: \`${pkg.codeSha256}\``,
    `- Runtime: ${pkg.runtime}${pkg.format === undefined ? '' : `, ${pkg.format === 'esm' ? 'ES module' : 'CommonJS'}`}`,
    ...(pkg.bundle === undefined
      ? []
      : [
          `- Left out of the bundle (the runtime provides them): ${pkg.bundle.external.join(', ') || 'nothing'}`,
          ...(pkg.bundle.nativeModules.length > 0
            ? [`- Native modules, not bundled: ${pkg.bundle.nativeModules.join(', ')}`]
            : []),
        ]),
    '',
  ];
  if (size !== undefined && size.contributors.length > 0) {
    lines.push('## What the bundle is made of', '', '| | Bytes | Share |', '|---|---:|---:|');
    for (const contributor of size.contributors.slice(0, 25)) {
      const share = size.totalBytes === 0 ? 0 : (100 * contributor.bytes) / size.totalBytes;
      lines.push(
        `| ${contributor.kind === 'package' ? '📦 ' : ''}${contributor.name} | ${formatBytes(contributor.bytes)} | ${share.toFixed(1)}% |`,
      );
    }
    if (size.contributors.length > 25) lines.push(`| … ${size.contributors.length - 25} more | | |`);
  }
  lines.push('', '## Files', '', ...pkg.files.map((file) => `- ${file}`), '');
  return lines.join('\n');
}

async function saveDocumentsUnder(folder: string): Promise<void> {
  const dirty = vscode.workspace.textDocuments.filter(
    (d) => d.isDirty && d.uri.scheme === 'file' && isInside(d.uri.fsPath, folder),
  );
  const saved = await Promise.all(dirty.map((document) => document.save()));
  if (saved.includes(false)) {
    throw new WorkbenchError(
      `A changed file under ${folder} could not be saved, so nothing was bundled. Save it, then try again.`,
    );
  }
}

function isInside(file: string, folder: string): boolean {
  return file === folder || file.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

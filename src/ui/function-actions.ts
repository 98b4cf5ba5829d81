// The actions on a deployed function: from a row of the Functions view, or from the palette,
// which first asks for the function.
import * as vscode from 'vscode';
import { functionConsoleUrl } from '../core/aws/console-url';
import { getEnvironmentValue } from '../core/aws/deployed-functions';
import { downloadFunctionCode, freeFolder } from '../core/aws/download-code';
import { WorkbenchError } from '../core/errors';
import type { AwsClients } from './aws';
import { pickRemoteFunction } from './function-picker';
import type { FunctionsNode, FunctionsTree } from './functions-tree';
import { functionNameOf, functionRefOf, type FunctionRef } from './function-ref';
import type { LocalFunctions } from './local-functions';
import type { LogPanels } from './log-panel';

export class FunctionActions {
  constructor(
    private readonly aws: AwsClients,
    private readonly tree: FunctionsTree,
    private readonly localFunctions: LocalFunctions,
    private readonly logPanels: LogPanels,
  ) {}

  /**
   * Opens the log panel of a function: the one given (a tree row, a result, a name), else one
   * chosen among the workspace's functions or, through the last item, the deployed ones.
   */
  async openLogs(arg?: unknown): Promise<string | undefined> {
    const functionName = functionNameOf(arg) ?? (await this.pickLogsFunction());
    if (functionName === undefined) return undefined;
    this.logPanels.open(functionName);
    return functionName;
  }

  private async pickLogsFunction(): Promise<string | undefined> {
    const local = (await this.localFunctions.list().catch(() => [])).map((f) => f.fn.config.name);
    if (local.length === 0) return pickRemoteFunction(this.aws, 'Open logs');
    const deployed = '$(cloud) A deployed function…';
    const choice = await vscode.window.showQuickPick(
      [
        ...local.map((name) => ({ label: name, description: 'local' })),
        { label: deployed, description: 'choose in the account' },
      ],
      { title: 'Open Logs', placeHolder: 'Whose logs?' },
    );
    if (choice === undefined) return undefined;
    return choice.label === deployed ? pickRemoteFunction(this.aws, 'Open logs') : choice.label;
  }

  private async target(arg: unknown, purpose: string): Promise<FunctionRef | undefined> {
    const given = functionRefOf(arg);
    if (given !== undefined) return given;
    const functionName = await pickRemoteFunction(this.aws, purpose);
    return functionName === undefined ? undefined : { functionName };
  }

  async copyName(arg?: unknown): Promise<void> {
    const target = await this.target(arg, 'Copy function name');
    if (target === undefined) return;
    await vscode.env.clipboard.writeText(target.functionName);
    void vscode.window.showInformationMessage(`Copied "${target.functionName}".`);
  }

  async copyArn(arg?: unknown): Promise<void> {
    const target = await this.target(arg, 'Copy function ARN');
    if (target === undefined) return;
    const arn = target.arn ?? (await this.lookUpArn(target.functionName));
    await vscode.env.clipboard.writeText(arn);
    void vscode.window.showInformationMessage(`Copied ${arn}.`);
  }

  private async lookUpArn(functionName: string): Promise<string> {
    const known = this.tree.loadedFunctions.find((fn) => fn.name === functionName);
    if (known !== undefined) return known.arn;
    const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
    const config = await this.aws.callLambda(
      { doing: `Reading ${functionName}`, action: 'lambda:GetFunctionConfiguration' },
      (client) => client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
    );
    return config.FunctionArn ?? functionName;
  }

  async openInConsole(arg?: unknown): Promise<void> {
    const target = await this.target(arg, 'Open in AWS Console');
    if (target === undefined) return;
    const { region } = await this.aws.connection();
    await vscode.env.openExternal(vscode.Uri.parse(functionConsoleUrl(region, target.functionName, target.qualifier), true));
  }

  /** Unpacks the function's code into a new folder of the workspace, then shows it. */
  async downloadCode(arg?: unknown): Promise<string | undefined> {
    const target = await this.target(arg, 'Download code');
    if (target === undefined) return undefined;
    const parent = await this.downloadParent();
    if (parent === undefined) return undefined;
    const label = target.qualifier === undefined ? target.functionName : `${target.functionName}-${target.qualifier.name}`;
    const folder = await freeFolder(parent.fsPath, label);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Downloading the code of ${target.functionName}` },
      () =>
        this.aws.callLambda({ doing: `Downloading the code of ${target.functionName}`, action: 'lambda:GetFunction' }, (client) =>
          downloadFunctionCode(client, target.functionName, target.qualifier?.name, folder),
        ),
    );
    const links = result.skippedLinks.length === 0 ? '' : ` ${result.skippedLinks.length} symbolic links were not recreated.`;
    const where = vscode.workspace.asRelativePath(folder);
    void vscode.window
      .showInformationMessage(
        `Downloaded ${result.files} files of ${target.functionName} into ${where}.${links}`,
        'Reveal in Explorer',
      )
      .then((choice) => {
        if (choice !== undefined) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(folder));
      });
    return folder;
  }

  private async downloadParent(): Promise<vscode.Uri | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 1) return folders[0]?.uri;
    if (folders.length > 1)
      return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Download the code into which folder?' }))?.uri;
    const chosen = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: 'Download Here',
    });
    return chosen?.[0];
  }

  /** Shows one environment variable's value in an input box, never in the tree or the log. */
  async revealEnvironmentValue(arg?: unknown): Promise<void> {
    const node = arg as FunctionsNode | undefined;
    if (node?.kind !== 'envVar') {
      throw new WorkbenchError('Choose an environment variable in the Functions view, then use "Reveal Value".');
    }
    const value = await this.aws.callLambda(
      { doing: `Reading the environment of ${node.functionName}`, action: 'lambda:GetFunctionConfiguration' },
      (client) => getEnvironmentValue(client, node.functionName, node.variable),
    );
    if (value === undefined) {
      void vscode.window.showWarningMessage(
        `${node.functionName} no longer has the variable ${node.variable}. Refresh the view.`,
      );
      return;
    }
    const copy = await vscode.window.showInputBox({
      title: `${node.variable} of ${node.functionName}`,
      value,
      prompt: 'Press Enter to copy the value, Escape to close.',
      ignoreFocusOut: false,
    });
    if (copy !== undefined) await vscode.env.clipboard.writeText(value);
  }

  async filter(): Promise<void> {
    const input = vscode.window.createInputBox();
    input.title = 'Filter Functions';
    input.placeholder = 'Part of a function name; empty shows all';
    input.value = this.tree.filter;
    const before = this.tree.filter;
    // The tree follows every keystroke; Escape puts the previous filter back.
    input.onDidChangeValue((value) => this.tree.setFilter(value));
    const accepted = await new Promise<boolean>((resolve) => {
      input.onDidAccept(() => resolve(true));
      input.onDidHide(() => resolve(false));
      input.show();
    });
    if (!accepted) this.tree.setFilter(before);
    input.dispose();
  }
}

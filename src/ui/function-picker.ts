// Choosing a deployed function, and a version or alias of it, from the command palette. Items
// appear page by page as ListFunctions answers, so a large account is usable at once.
import * as vscode from 'vscode';
import { listAliases, listVersions, listFunctionsPage, describeRouting } from '../core/aws/deployed-functions';
import type { AwsClients } from './aws';

interface FunctionItem extends vscode.QuickPickItem {
  readonly name: string;
}

export async function pickRemoteFunction(aws: AwsClients, purpose: string): Promise<string | undefined> {
  const connection = await aws.connection();
  const picker = vscode.window.createQuickPick<FunctionItem>();
  picker.title = `${purpose} (${connection.region})`;
  picker.placeholder = 'Choose a deployed function';
  picker.matchOnDescription = true;
  picker.busy = true;
  picker.show();
  const items: FunctionItem[] = [];
  let hidden = false;
  const loading = aws.callLambda(
    { doing: `Listing the functions of ${connection.region}`, action: 'lambda:ListFunctions' },
    async (client) => {
      let marker: string | undefined;
      do {
        const page = await listFunctionsPage(client, marker);
        for (const fn of page.functions)
          items.push({ label: fn.name, description: fn.runtime ?? 'container image', name: fn.name });
        items.sort((a, b) => a.label.localeCompare(b.label));
        picker.items = [...items];
        marker = page.nextMarker;
      } while (marker !== undefined && !hidden);
    },
  );
  let failure: Error | undefined;
  void loading
    .catch((error: unknown) => {
      // Shown by the command's error handler, with what to do about it.
      failure = error instanceof Error ? error : new Error(String(error));
      picker.hide();
    })
    .finally(() => (picker.busy = false));
  const choice = await new Promise<string | undefined>((resolve) => {
    picker.onDidAccept(() => resolve(picker.selectedItems[0]?.name));
    picker.onDidHide(() => {
      hidden = true;
      resolve(undefined);
    });
  });
  picker.dispose();
  if (failure !== undefined) throw failure;
  return choice;
}

interface QualifierItem extends vscode.QuickPickItem {
  /** Undefined for $LATEST. */
  readonly qualifier: string | undefined;
}

/**
 * A version or alias of `functionName` to invoke; $LATEST comes first and is chosen when the
 * function has neither. Returns null when the developer dismisses the picker.
 */
export async function pickQualifier(aws: AwsClients, functionName: string): Promise<string | undefined | null> {
  const [versions, aliases] = await aws.callLambda(
    { doing: `Listing the versions and aliases of ${functionName}`, action: 'lambda:ListVersionsByFunction' },
    (client) => Promise.all([listVersions(client, functionName), listAliases(client, functionName)]),
  );
  if (versions.length === 0 && aliases.length === 0) return undefined;
  const items: QualifierItem[] = [
    { label: '$LATEST', description: 'the unpublished code and configuration', qualifier: undefined },
    ...(aliases.length > 0 ? [{ label: 'Aliases', kind: vscode.QuickPickItemKind.Separator, qualifier: undefined }] : []),
    ...aliases.map((alias) => ({
      label: `$(tag) ${alias.name}`,
      description: `→ ${describeRouting(alias)}`,
      qualifier: alias.name,
    })),
    ...(versions.length > 0 ? [{ label: 'Versions', kind: vscode.QuickPickItemKind.Separator, qualifier: undefined }] : []),
    ...versions.map((version) => ({
      label: `$(versions) ${version.version}`,
      description: version.description,
      qualifier: version.version,
    })),
  ];
  const chosen = await vscode.window.showQuickPick(items, {
    title: `Invoke ${functionName}`,
    placeHolder: 'Choose $LATEST, an alias or a version',
  });
  return chosen === undefined ? null : chosen.qualifier;
}

// Choosing a deployed function, and a version or alias of it, from the command palette. Items
// appear page by page as ListFunctions answers, so a large account is usable at once.
import * as vscode from 'vscode';
import { listAliases, listVersions, listFunctionsPage, describeRouting } from '../core/aws/deployed-functions';
import type { AwsClients } from './aws';
import { STEP_OF_A_FLOW } from './quick-input';

interface FunctionItem extends vscode.QuickPickItem {
  readonly name: string;
}

export async function pickRemoteFunction(aws: AwsClients, purpose: string): Promise<string | undefined> {
  const picked = await showFunctionPicker(aws, purpose, false);
  return picked?.name;
}

/** A deployed function chosen in a picker that is still on screen, busy. */
export interface HeldFunctionPick {
  readonly name: string;
  /** Closes the picker, when the next one has not replaced it already. */
  release(): void;
}

/**
 * As pickRemoteFunction, but the picker stays on screen, busy, until another picker replaces it or
 * `release` is called. For a caller that asks AWS something and then shows another picker: with no
 * picker between the two, focus would fall back to the editor, and a webview there (the log panel)
 * takes it a moment later, which closes the next picker as it opens.
 */
export function pickRemoteFunctionAndHold(aws: AwsClients, purpose: string): Promise<HeldFunctionPick | undefined> {
  return showFunctionPicker(aws, purpose, true);
}

async function showFunctionPicker(aws: AwsClients, purpose: string, hold: boolean): Promise<HeldFunctionPick | undefined> {
  // On screen before anything is awaited: while no picker shows, focus falls back to the editor.
  const picker = vscode.window.createQuickPick<FunctionItem>();
  picker.title = purpose;
  picker.placeholder = 'Choose a deployed function';
  picker.matchOnDescription = true;
  picker.ignoreFocusOut = STEP_OF_A_FLOW;
  picker.busy = true;
  picker.show();
  let connection;
  try {
    connection = await aws.connection();
  } catch (error) {
    picker.dispose();
    throw error;
  }
  picker.title = `${purpose} (${connection.region})`;
  const items: FunctionItem[] = [];
  // Set from the picker's events: `hidden` stops the paging, `held` says the picker is kept busy.
  const state = { hidden: false, held: false };
  const loading = aws.callLambda(
    { doing: `Listing the functions of ${connection.region}`, action: 'lambda:ListFunctions' },
    async (client) => {
      let marker: string | undefined;
      do {
        const page = await listFunctionsPage(client, marker);
        for (const fn of page.functions)
          items.push({ label: fn.name, description: fn.runtime ?? 'container image', name: fn.name });
        items.sort((a, b) => a.label.localeCompare(b.label));
        if (state.hidden) return;
        picker.items = [...items];
        marker = page.nextMarker;
      } while (marker !== undefined);
    },
  );
  let failure: Error | undefined;
  void loading
    .catch((error: unknown) => {
      // Shown by the command's error handler, with what to do about it.
      failure = error instanceof Error ? error : new Error(String(error));
      picker.hide();
    })
    .finally(() => (picker.busy = state.held));
  const choice = await new Promise<string | undefined>((resolve) => {
    picker.onDidAccept(() => {
      const name = picker.selectedItems[0]?.name;
      if (name !== undefined && hold) {
        state.held = true;
        state.hidden = true; // No more pages: the choice is made.
        picker.busy = true;
        picker.enabled = false;
      }
      resolve(name);
    });
    picker.onDidHide(() => {
      state.hidden = true;
      resolve(undefined);
      // Hidden by the next picker: this one's part is over.
      if (state.held) picker.dispose();
    });
  });
  if (failure !== undefined) {
    picker.dispose();
    throw failure;
  }
  if (choice === undefined) {
    picker.dispose();
    return undefined;
  }
  if (!state.held) {
    picker.dispose();
    return { name: choice, release: () => {} };
  }
  return { name: choice, release: () => picker.dispose() };
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
    ignoreFocusOut: STEP_OF_A_FLOW,
  });
  return chosen === undefined ? null : chosen.qualifier;
}

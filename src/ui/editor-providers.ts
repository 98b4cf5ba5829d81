// The CodeLens and debug-configuration providers, registered at activation as small stand-ins:
// the real ones (in the features bundle) load when an editor first asks for lenses or a debug
// session of type `lambdaWorkbench` starts.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import type { Features } from './features';
import { CODELENS_SELECTOR, DEBUG_TYPE } from './contributions';

export function registerEditorProviders(ctx: Ctx, features: () => Features): void {
  const lensesChanged = new vscode.EventEmitter<void>();
  let lensesConnected = false;
  const lenses = () => {
    const provider = features().codeLens;
    if (!lensesConnected) {
      lensesConnected = true;
      provider.onDidChangeCodeLenses(() => lensesChanged.fire());
    }
    return provider;
  };
  ctx.extensionScope.add(lensesChanged);
  ctx.extensionScope.add(
    vscode.languages.registerCodeLensProvider(CODELENS_SELECTOR, {
      onDidChangeCodeLenses: lensesChanged.event,
      // The setting is read here too, so a workspace that turned lenses off never loads the features.
      provideCodeLenses: (document, token) => (ctx.config.codeLensEnabled ? lenses().provideCodeLenses(document, token) : []),
    }),
  );
  const debug: vscode.DebugConfigurationProvider = {
    provideDebugConfigurations: () => features().debugger.provideDebugConfigurations(),
    resolveDebugConfiguration: (folder, configuration) => features().debugger.resolveDebugConfiguration(folder, configuration),
    resolveDebugConfigurationWithSubstitutedVariables: (folder, configuration) =>
      features().debugger.resolveDebugConfigurationWithSubstitutedVariables(folder, configuration),
  };
  ctx.extensionScope.add(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, debug));
  ctx.extensionScope.add(
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      { provideDebugConfigurations: () => features().debugger.provideDebugConfigurations() },
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
  );
}

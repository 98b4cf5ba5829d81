// Runs inside the VS Code extension host (see bench/codelens.mjs): asks for the CodeLens of a
// 2,000-line handler file with vscode.executeCodeLensProvider, once to warm up (that request loads
// the features, starts the discovery worker and discovers the workspace), then once after each of
// several edits, and for each request records
//   wallMs     - from executeCommand to the lenses, as a caller sees it;
//   providerMs - the provider's own figure (features().codeLens.lastMs): from the request reaching
//                it to its lenses, the document's text parsed in the discovery worker.
// Then the same edits and requests with the lenses turned off record VS Code's own round trip.
// The document is open but in no editor: an editor would ask for lenses itself after each edit,
// and its requests would run alongside the measured ones.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LambdaWorkbenchApi } from '../src/extension';

export async function run(): Promise<void> {
  const out = process.env['LAMBDA_WB_HOST_RESULTS'];
  if (out === undefined) throw new Error('Run this through bench/codelens.mjs.');
  try {
    writeFileSync(out, JSON.stringify(await measure(Number(process.env['LAMBDA_WB_BENCH_RUNS'] ?? 20))));
  } catch (error) {
    writeFileSync(out, JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const EXPECTED = ['Invoke locally', 'Debug', 'Deploy'];

/** The titles of our lenses on the handler's line, without their icons; throws unless all three are there. */
function checkLenses(lenses: vscode.CodeLens[] | undefined, handlerLine: number, request: string): string[] {
  const ours = (lenses ?? []).filter((l) => l.command?.command.startsWith('lambdaWorkbench.') === true);
  const titles = ours
    .filter((l) => l.range.start.line === handlerLine)
    .map((l) => (l.command?.title ?? '').replace(/^\$\([^)]*\)\s*/, ''));
  const missing = EXPECTED.filter((title) => !titles.includes(title));
  if (missing.length > 0) {
    const found = ours.map((l) => `line ${l.range.start.line + 1}: ${l.command?.title ?? '(no command)'}`);
    throw new Error(
      `${request}: no ${missing.map((t) => `"${t}"`).join(', ')} lens on line ${handlerLine + 1}; ` +
        `the extension's lenses: ${found.length > 0 ? found.join('; ') : 'none'}`,
    );
  }
  return titles;
}

async function measure(runs: number) {
  const relative = process.env['LAMBDA_WB_BENCH_FILE'];
  const handlerLine = Number(process.env['LAMBDA_WB_BENCH_HANDLER_LINE']);
  if (relative === undefined || !Number.isInteger(handlerLine)) throw new Error('Run this through bench/codelens.mjs.');
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) throw new Error('The extension host opened no workspace folder.');
  const uri = vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
  const extension = vscode.extensions.getExtension<LambdaWorkbenchApi>('lambda-workbench.lambda-workbench');
  if (!extension) throw new Error('Lambda Workbench is not loaded in this extension host.');
  const api = await extension.activate();
  // Opening a TypeScript document activates the built-in TypeScript extension, which starts
  // tsserver; that and the other built-in extensions activating while the host starts settle
  // before the first request, so the figures are ours.
  const document = await vscode.workspace.openTextDocument(uri);
  await sleep(Number(process.env['LAMBDA_WB_BENCH_SETTLE_MS'] ?? 3000));
  const lineCount = document.lineCount;

  const request = async () => {
    const started = performance.now();
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[] | undefined>('vscode.executeCodeLensProvider', uri);
    return { lenses, wallMs: performance.now() - started };
  };

  // The first request loads the features; only then may the benchmark ask for them.
  const warmUp = await request();
  const titles = checkLenses(warmUp.lenses, handlerLine, 'the first request');
  const codeLens = api.features().codeLens;
  // Set by the provider from another task, which the type checker cannot see.
  const providerFigure = (): number | undefined => codeLens.lastMs;
  const firstProviderMs = providerFigure();
  if (firstProviderMs === undefined) throw new Error("The first request did not reach the extension's provider.");

  const samples: { wallMs: number; providerMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    // A new version of the document, so nothing can answer from a cache: a comment line at its end.
    const version = document.version;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, document.lineAt(document.lineCount - 1).range.end, `// edit ${i + 1} by bench/codelens.mjs\n`);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Edit ${i + 1} was not applied.`);
    if (document.version === version) throw new Error(`Edit ${i + 1} did not reach the extension host's document.`);
    codeLens.lastMs = undefined;
    const { lenses, wallMs } = await request();
    checkLenses(lenses, handlerLine, `the request after edit ${i + 1}`);
    const providerMs = providerFigure();
    if (providerMs === undefined) throw new Error(`The request after edit ${i + 1} did not reach the extension's provider.`);
    samples.push({ wallMs, providerMs });
  }
  if (document.lineCount !== lineCount + runs) {
    throw new Error(`The document has ${document.lineCount} lines after ${runs} edits; it had ${lineCount}.`);
  }

  // VS Code's own share: the same edits and requests with the extension's lenses turned off, so
  // its provider answers at once with none; what remains is the editor's round trip.
  const settings = vscode.workspace.getConfiguration('lambdaWorkbench');
  await settings.update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
  const baseline: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, document.lineAt(document.lineCount - 1).range.end, `// baseline edit ${i + 1}\n`);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Baseline edit ${i + 1} was not applied.`);
      const { lenses, wallMs } = await request();
      const ours = (lenses ?? []).filter((l) => l.command?.command.startsWith('lambdaWorkbench.') === true);
      if (ours.length > 0) throw new Error('The lenses were turned off, yet the extension gave some.');
      baseline.push(wallMs);
    }
  } finally {
    await settings.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
  }
  return { lineCount, titles, first: { wallMs: warmUp.wallMs, providerMs: firstProviderMs }, samples, baseline };
}

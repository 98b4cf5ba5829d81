// Runs inside the VS Code extension host (see bench/picker.mjs): opens the event picker of a
// function with 500 saved events, from the command's start to the picker showing its items,
// several times, then closes it.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LambdaWorkbenchApi } from '../src/extension';

export async function run(): Promise<void> {
  const out = process.env['LAMBDA_WB_HOST_RESULTS'];
  if (out === undefined) throw new Error('Run this through bench/picker.mjs.');
  try {
    writeFileSync(out, JSON.stringify(await measure(Number(process.env['LAMBDA_WB_BENCH_RUNS'] ?? 10))));
  } catch (error) {
    writeFileSync(out, JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  }
}

async function measure(runs: number) {
  const extension = vscode.extensions.getExtension<LambdaWorkbenchApi>('lambda-workbench.lambda-workbench');
  if (!extension) throw new Error('Lambda Workbench is not loaded in this extension host.');
  const api = await extension.activate();
  // Built-in extensions activate while the host starts; let that settle so the figures are ours.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env['LAMBDA_WB_BENCH_SETTLE_MS'] ?? 3000)));
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const diagnostics = api.diagnostics();
    delete diagnostics.eventPickerShownAt;
    const started = performance.now();
    const command = vscode.commands.executeCommand('lambdaWorkbench.invokeLocal', { functionName: 'HelloFunction' });
    // The command sets it from another task, which the type checker cannot see.
    const shownAt = () => diagnostics.eventPickerShownAt;
    while (shownAt() === undefined) {
      if (performance.now() - started > 30_000) throw new Error('The event picker did not show within 30 s.');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    samples.push((shownAt() ?? NaN) - started);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await command;
  }
  return { samples };
}

// Runs inside the VS Code extension host (see bench/profiles.mjs): opens the profile picker with
// 5,000 profiles in the AWS files several times, and for each opening records
//   pickerMs - the extension's own figure (api.profilePickerMs()): from the command's start to the
//              picker holding its items;
//   wallMs   - from executeCommand to the moment that figure is set, as a caller sees it;
//   windowMs - from executeCommand until the window has taken the items: a round trip to the
//              window after the items were sent, which it answers only once it has applied them.
// then closes the picker and waits for the command to end.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { readProfiles, sharedFilePaths } from '../src/core/aws/profiles';
import type { LambdaWorkbenchApi } from '../src/extension';

export async function run(): Promise<void> {
  const out = process.env['LAMBDA_WB_HOST_RESULTS'];
  if (out === undefined) throw new Error('Run this through bench/profiles.mjs.');
  try {
    writeFileSync(out, JSON.stringify(await measure(Number(process.env['LAMBDA_WB_BENCH_RUNS'] ?? 10))));
  } catch (error) {
    writeFileSync(out, JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(runs: number) {
  // What the picker lists, read by the same parser the extension bundles: the files must hold
  // 5,000 profiles and no problem, or the figures would be about something else.
  const catalog = await readProfiles(sharedFilePaths());
  const extension = vscode.extensions.getExtension<LambdaWorkbenchApi>('lambda-workbench.lambda-workbench');
  if (!extension) throw new Error('Lambda Workbench is not loaded in this extension host.');
  const api = await extension.activate();
  // Built-in extensions activate while the host starts; let that settle so the figures are ours.
  await sleep(Number(process.env['LAMBDA_WB_BENCH_SETTLE_MS'] ?? 3000));
  const samples: { pickerMs: number; wallMs: number; windowMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    // The API holds the last opening's figure; a new opening replaces it.
    const before = api.profilePickerMs();
    const started = performance.now();
    // Not awaited: the command ends when the picker closes.
    const command = Promise.resolve(vscode.commands.executeCommand('lambdaWorkbench.chooseProfile'));
    const state = { ended: false };
    command.then(
      () => (state.ended = true),
      () => (state.ended = true),
    );
    // The command sets it from another task, which the type checker cannot see.
    const figure = () => api.profilePickerMs();
    while (figure() === before) {
      if (state.ended) throw new Error(`The profile picker closed before it showed its items (opening ${i + 1}).`);
      if (performance.now() - started > 30_000) throw new Error('The profile picker did not show its items within 30 s.');
      await sleep(1);
    }
    const wallMs = performance.now() - started;
    const pickerMs = figure() ?? NaN;
    // The extension host sends the items to the window on its next timer; then a round trip.
    await sleep(0);
    await vscode.commands.executeCommand('setContext', 'lambdaWorkbench.benchProbe', i);
    const windowMs = performance.now() - started;
    samples.push({ pickerMs, wallMs, windowMs });
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const result: unknown = await command;
    if (result !== undefined) throw new Error(`Closing the picker chose a profile: ${JSON.stringify(result)}`);
  }
  return {
    profiles: catalog.profiles.length,
    problems: catalog.problems.map((p) => `${p.file}:${p.line}: ${p.message}`),
    credentialKinds: catalog.profiles.reduce<Record<string, number>>((counts, p) => {
      counts[p.credentials.kind] = (counts[p.credentials.kind] ?? 0) + 1;
      return counts;
    }, {}),
    samples,
  };
}

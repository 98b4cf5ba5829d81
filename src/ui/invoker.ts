// The invoke flow: choose a function and an event, invoke the local emulator or the deployed
// function, show the result; then save the event, invoke again, or copy the payload.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RegistryMissingError, SharedEvents, TEST_EVENT_REGISTRY, type SharedEvent } from '../core/aws/shared-events';
import { WorkbenchError } from '../core/errors';
import { SAVED_EVENTS_FOLDER, SavedEventStore } from '../core/events/saved-events';
import { describeTarget, invokeFunction, type InvocationResult, type InvokeTarget } from '../core/invoke/invocation';
import { pickLocalFunction } from './function-ref';
import type { AwsClients } from './aws';
import type { Ctx } from './ctx';
import { eventsForTrigger } from '../core/events/trigger-events';
import type { Trigger } from '../core/model/trigger';
import { pickEvent, type PickedEvent } from './event-picker';
import { pickQualifier, pickRemoteFunctionAndHold, type HeldFunctionPick } from './function-picker';
import type { LocalEmulator } from './local-emulator';
import type { LocalFunctions } from './local-functions';
import type { RecentEvents } from './recent-events';
import type { ResultAction, ResultView, ShownResult } from './result-view';
import { STEP_OF_A_FLOW } from './quick-input';

/** What a command may be given instead of asking: from a tree, a CodeLens or a test. */
export interface InvokeArguments {
  readonly functionName?: string;
  readonly qualifier?: string;
  readonly event?: unknown;
  readonly eventLabel?: string;
}

export interface InvokerDiagnostics {
  /** How long the event picker last took to show its items, from its creation. */
  eventPickerShownMs?: number;
  /** When it last showed them, on the extension host's performance.now() clock. */
  eventPickerShownAt?: number;
}

export class Invoker {
  private last: { target: InvokeTarget; picked: PickedEvent } | undefined;
  private store: SavedEventStore | undefined;
  readonly diagnostics: InvokerDiagnostics = {};

  constructor(
    private readonly ctx: Ctx,
    private readonly functions: LocalFunctions,
    private readonly emulator: LocalEmulator,
    private readonly aws: AwsClients,
    private readonly results: ResultView,
    private readonly recent: RecentEvents,
  ) {
    ctx.extensionScope.add(
      results.onAction(({ action, shown }) => {
        this.onResultAction(action, shown).catch((error: unknown) => {
          void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
        });
      }),
    );
  }

  async invokeLocal(args: InvokeArguments = {}): Promise<InvocationResult | undefined> {
    if (args.functionName !== undefined) return this.invokeLocalByName(args.functionName, args);
    const choice = await pickLocalFunction(this.functions, {
      title: 'Invoke locally',
      placeHolder: 'Choose the function to invoke in the local emulator',
      ignoreFocusOut: STEP_OF_A_FLOW,
      whenNone:
        'No Lambda handlers were found in this workspace: no SAM template, serverless.yml or exported handler function. Add one (type "lambda" in a TypeScript, JavaScript or Python file for a snippet), then invoke again.',
    });
    if (choice === undefined) return undefined;
    return this.invokeLocalByName(choice.fn.config.name, args);
  }

  /**
   * The event picker opens at once while the workspace's templates are read; a name they do not
   * know closes it with the reason.
   */
  private async invokeLocalByName(name: string, args: InvokeArguments): Promise<InvocationResult | undefined> {
    const lookup = new AbortController();
    let shown = (): void => {};
    // Looked up once the picker shows its items, so the two do not compete for the disk.
    const found = new Promise<void>((resolve) => (shown = resolve))
      .then(() => this.functions.find(name))
      .then((fn) => {
        if (fn === undefined) lookup.abort();
        return fn;
      });
    const target: InvokeTarget = { kind: 'local', functionName: name };
    const picking = this.chooseEvent(target, args, {
      signal: lookup.signal,
      whenShown: () => shown(),
      triggers: found.then((fn) => fn?.fn.triggers ?? []),
    });
    if (args.event !== undefined) shown();
    const [fn, picked] = await Promise.all([found, picking]);
    if (fn === undefined) {
      throw new WorkbenchError(
        `There is no local function "${name}" in this workspace. Check the name, or refresh the Local view after editing the template.`,
      );
    }
    if (picked === undefined) return undefined;
    const ready = await this.functions.withRuntime(fn);
    if (ready === undefined) return undefined;
    return this.run({ kind: 'local', functionName: ready.fn.config.name }, picked);
  }

  async invokeRemote(args: InvokeArguments = {}): Promise<InvocationResult | undefined> {
    const connection = await this.aws.connection();
    let qualifier = args.qualifier;
    let name = args.functionName;
    // From the palette: the function, then $LATEST, an alias or a version. A tree row or a
    // CodeLens already says which. The function's picker stays on screen until the next picker
    // replaces it (see pickRemoteFunctionAndHold).
    let held: HeldFunctionPick | undefined;
    if (name === undefined) {
      held = await pickRemoteFunctionAndHold(this.aws, 'Invoke remotely');
      if (held === undefined) return undefined;
      name = held.name;
    }
    const functionName = name;
    let target: InvokeTarget;
    let picked: PickedEvent | undefined;
    try {
      if (held !== undefined) {
        const chosen = await pickQualifier(this.aws, functionName);
        if (chosen === null) return undefined;
        qualifier = chosen;
      }
      target = {
        kind: 'remote',
        functionName,
        region: connection.region,
        ...(qualifier === undefined ? {} : { qualifier }),
        ...(connection.profile === undefined ? {} : { profile: connection.profile }),
      };
      picked = await this.chooseEvent(target, args, {
        shared: async () => new SharedEvents(await this.aws.schemas()).list(functionName),
      });
    } finally {
      held?.release();
    }
    if (picked === undefined) return undefined;
    return this.run(target, picked);
  }

  async invokeAgain(): Promise<InvocationResult | undefined> {
    if (this.last === undefined) {
      throw new WorkbenchError(
        'Nothing was invoked yet in this window. Use "Lambda: Invoke Locally..." or "Lambda: Invoke Remotely..." first.',
      );
    }
    return this.run(this.last.target, this.last.picked);
  }

  /** The event picker for a local function, with its saved and recent events; for the debugger. */
  chooseLocalEvent(functionName: string): Promise<PickedEvent | undefined> {
    return this.chooseEvent(
      { kind: 'local', functionName },
      {},
      { triggers: this.functions.find(functionName).then((fn) => fn?.fn.triggers ?? []) },
    );
  }

  private async chooseEvent(
    target: InvokeTarget,
    args: InvokeArguments,
    {
      shared,
      signal,
      whenShown,
      triggers,
    }: {
      shared?: () => Promise<SharedEvent[]>;
      signal?: AbortSignal;
      whenShown?: () => void;
      /** The function's triggers, once it is found: the events they send are offered first. */
      triggers?: Promise<readonly Trigger[]>;
    } = {},
  ) {
    if (args.event !== undefined) return { event: args.event, label: args.eventLabel ?? 'given event' };
    return pickEvent({
      target,
      saved: this.savedEvents(),
      recent: this.recent,
      ...(shared === undefined ? {} : { shared }),
      ...(signal === undefined ? {} : { signal }),
      ...(triggers === undefined ? {} : { triggerEvents: triggers.then((list) => list.flatMap(eventsForTrigger)) }),
      onShown: (ms) => {
        this.diagnostics.eventPickerShownMs = ms;
        this.diagnostics.eventPickerShownAt = performance.now();
        this.ctx.log.debug(`The event picker showed its items in ${ms.toFixed(1)} ms.`);
        whenShown?.();
      },
    });
  }

  private async run(target: InvokeTarget, picked: PickedEvent): Promise<InvocationResult> {
    const invoke = async () => {
      if (target.kind === 'local') {
        const functions = (await this.functions.list()).map((f) => f.fn.config);
        return invokeFunction(await this.emulator.client(functions), target, picked.event);
      }
      const call = { doing: `Invoking ${describeTarget(target)}`, action: 'lambda:InvokeFunction' };
      return this.aws.callLambda(call, (client) => invokeFunction(client, target, picked.event));
    };
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Invoking ${describeTarget(target)}`, cancellable: false },
      invoke,
    );
    this.last = { target, picked };
    await this.recent.remember(target, picked.label, picked.event);
    this.ctx.log.info(
      `Invoked ${describeTarget(target)} with "${picked.label}": ${result.error === undefined ? 'succeeded' : `failed (${result.error.type})`}, request ${result.requestId}.`,
    );
    this.results.show({ result, eventLabel: picked.label });
    return result;
  }

  /** The store of the first workspace folder, kept so that its cache serves every opening of the picker. */
  private savedEvents(): SavedEventStore | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder === undefined) return undefined;
    const root = join(folder.uri.fsPath, SAVED_EVENTS_FOLDER);
    if (this.store?.root !== root) this.store = new SavedEventStore(root);
    return this.store;
  }

  private async onResultAction(action: ResultAction, shown: ShownResult): Promise<void> {
    if (action === 'showLogs') {
      await vscode.commands.executeCommand('lambdaWorkbench.openLogs', { functionName: shown.result.target.functionName });
      return;
    }
    if (action === 'copyPayload') {
      await vscode.env.clipboard.writeText(shown.result.payload);
      void vscode.window.showInformationMessage('The payload is on the clipboard.');
      return;
    }
    if (action === 'invokeAgain') {
      await this.invokeAgain();
      return;
    }
    await this.saveEvent(shown.result.target);
  }

  /** Saves the event last sent to `target`, in the workspace or, for a deployed function, as a shared test event. */
  async saveEvent(target: InvokeTarget): Promise<void> {
    const event = this.last !== undefined && this.last.target.functionName === target.functionName ? this.last.picked : undefined;
    if (event === undefined) throw new WorkbenchError('There is no event to save: invoke the function first.');
    const store = this.savedEvents();
    const destinations = [
      ...(store === undefined
        ? []
        : [
            {
              label: '$(file) Save in this workspace',
              detail: `.lambda/events/${target.functionName}/, shared through git`,
              shared: false,
            },
          ]),
      ...(target.kind === 'remote'
        ? [
            {
              label: '$(cloud) Save as a shareable test event',
              detail: `Lambda console test events of ${target.functionName}`,
              shared: true,
            },
          ]
        : []),
    ];
    if (destinations.length === 0) throw new WorkbenchError('Open a folder to save events in it.');
    const destination =
      destinations.length === 1
        ? destinations[0]
        : await vscode.window.showQuickPick(destinations, { title: 'Save the event', ignoreFocusOut: true });
    if (destination === undefined) return;
    const name = await vscode.window.showInputBox({
      title: 'Name of the saved event',
      ignoreFocusOut: STEP_OF_A_FLOW,
      value: event.label.replace(/[^A-Za-z0-9 ._-]/g, '').slice(0, 100) || 'event',
      validateInput: (value) => {
        try {
          (store ?? new SavedEventStore('/')).pathOf(target.functionName, value);
          return undefined;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    if (name === undefined) return;
    if (!destination.shared && store !== undefined) {
      const saved = await store.save(target.functionName, name, event.event);
      void vscode.window.showInformationMessage(`Saved "${name}" in ${vscode.workspace.asRelativePath(saved.path)}.`);
      return;
    }
    const shared = new SharedEvents(await this.aws.schemas());
    try {
      await shared.save(target.functionName, name, event.event, { createRegistry: false });
    } catch (error) {
      if (!(error instanceof RegistryMissingError)) throw error;
      const create = await vscode.window.showWarningMessage(
        `${error.message} Create it in ${(await this.aws.connection()).region} to save shareable test events?`,
        { modal: true },
        'Create Registry',
      );
      if (create === undefined) return;
      await shared.save(target.functionName, name, event.event, { createRegistry: true });
    }
    void vscode.window.showInformationMessage(
      `Saved "${name}" as a shareable test event of ${target.functionName} (registry ${TEST_EVENT_REGISTRY}).`,
    );
  }
}

// The event picker: one QuickPick with, first, the events the function's own triggers send (its
// routes, queues, schedules...), then the events it was invoked with lately, the workspace's saved
// events, the console's shared events (remote functions) and every template, grouped by service
// and searchable. Any event can be edited before invoking.
import * as vscode from 'vscode';
import type { SharedEvent } from '../core/aws/shared-events';
import { EVENT_TEMPLATES, generateEvent } from '../core/events/catalog';
import { defaultContext } from '../core/events/context';
import type { SavedEvent, SavedEventStore } from '../core/events/saved-events';
import type { EventTemplate } from '../core/events/template';
import type { TriggerEvent } from '../core/events/trigger-events';
import type { InvokeTarget } from '../core/invoke/invocation';
import { describeJsonError, parseJsonText } from '../core/json-text';
import type { RecentEvents } from './recent-events';
import { STEP_OF_A_FLOW } from './quick-input';

export interface PickedEvent {
  readonly event: unknown;
  /** How the event is named in the recent list and the result view. */
  readonly label: string;
}

export interface EventPickerOptions {
  readonly target: InvokeTarget;
  readonly saved: SavedEventStore | undefined;
  readonly recent: RecentEvents;
  /** The events the function's triggers send (see trigger-events.ts), known once the function is found. */
  readonly triggerEvents?: Promise<readonly TriggerEvent[]>;
  /** Shared test events of a remote function, loaded once the picker is open. */
  readonly shared?: () => Promise<SharedEvent[]>;
  /** Told how long the picker took to show its items, in milliseconds. */
  readonly onShown?: (ms: number) => void;
  /** Closes the picker without a choice, e.g. when the function turns out not to exist. */
  readonly signal?: AbortSignal;
}

type Entry =
  | { readonly kind: 'empty' }
  | { readonly kind: 'event'; readonly label: string; readonly event: unknown; readonly saved?: SavedEvent }
  | { readonly kind: 'broken'; readonly saved: SavedEvent }
  | { readonly kind: 'template'; readonly template: EventTemplate }
  | { readonly kind: 'trigger'; readonly triggerEvent: TriggerEvent }
  | { readonly kind: 'note' };

type Item = vscode.QuickPickItem & { readonly entry?: Entry };

const EDIT: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Edit before invoking' };
const OPEN: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Open the saved file' };
const RENAME: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('pencil'), tooltip: 'Rename' };
const DELETE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete' };

export async function pickEvent(options: EventPickerOptions): Promise<PickedEvent | undefined> {
  const started = performance.now();
  const picker = vscode.window.createQuickPick<Item>();
  picker.title = `Event for ${options.target.functionName}${options.target.kind === 'local' ? ' (local)' : ''}`;
  picker.placeholder = 'Choose an event: recent, saved, shared or from a template (type to search)';
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;
  picker.ignoreFocusOut = STEP_OF_A_FLOW;
  picker.busy = true;
  picker.show();

  const groups: { triggers: Item[]; recent: Item[]; saved: Item[]; shared: Item[] } = {
    triggers: [],
    recent: recentItems(options),
    saved: [],
    shared: [],
  };
  const templates = templateItems();
  const render = () => {
    picker.items = [
      ...section("From the function's triggers", groups.triggers),
      { label: '$(json) Empty event', description: '{}', entry: { kind: 'empty' }, buttons: [EDIT] },
      ...section('Recent', groups.recent),
      ...section('Saved in this workspace', groups.saved),
      ...section('Shared test events (Lambda console)', groups.shared),
      ...templates,
    ];
  };

  const loadSaved = async () => {
    if (options.saved === undefined) return;
    groups.saved = (await options.saved.list(options.target.functionName)).map(savedItem);
  };
  render();
  await loadSaved().catch(() => {});
  render();
  // Rendered when the function is found; a lookup that fails leaves the section out.
  options.triggerEvents
    ?.then((events) => {
      groups.triggers = events.map((triggerEvent) => ({
        label: `$(zap) ${triggerEvent.title}`,
        description: triggerEvent.templateId,
        entry: { kind: 'trigger', triggerEvent },
        buttons: [EDIT],
      }));
      render();
    })
    .catch(() => {});
  picker.busy = false;
  options.onShown?.(performance.now() - started);
  if (options.shared !== undefined) {
    groups.shared = [{ label: '$(sync~spin) Loading shared test events...', entry: { kind: 'note' } }];
    render();
    options
      .shared()
      .then(
        (events) => {
          groups.shared = events.map((e) => ({
            label: e.name,
            description: 'shared',
            entry: { kind: 'event', label: e.name, event: e.event },
            buttons: [EDIT],
          }));
        },
        (error: unknown) => {
          groups.shared = [
            {
              label: '$(warning) Shared test events could not be loaded',
              detail: error instanceof Error ? error.message : String(error),
              entry: { kind: 'note' },
            },
          ];
        },
      )
      .finally(render);
  }

  let managing = false;
  const choice = await new Promise<{ item: Item; edit: boolean } | undefined>((resolve) => {
    picker.onDidAccept(() => {
      const item = picker.selectedItems[0];
      if (item?.entry?.kind !== 'note') resolve(item === undefined ? undefined : { item, edit: false });
    });
    picker.onDidTriggerItemButton((event) => {
      const entry = event.item.entry;
      const saved = entry?.kind === 'event' || entry?.kind === 'broken' ? entry.saved : undefined;
      if (event.button === EDIT || saved === undefined || options.saved === undefined) {
        resolve({ item: event.item, edit: true });
        return;
      }
      // Renaming asks for the name in an input box, which hides the picker until it is shown again.
      managing = event.button !== OPEN;
      manageSaved(options.saved, saved, event.button, picker)
        .then(loadSaved)
        .then(render)
        .catch((error: unknown) => {
          void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
        })
        .finally(() => {
          managing = false;
        });
    });
    picker.onDidHide(() => {
      if (!managing) resolve(undefined);
    });
    options.signal?.addEventListener('abort', () => picker.hide());
    if (options.signal?.aborted === true) picker.hide();
  });
  picker.dispose();
  if (choice?.item.entry === undefined || options.signal?.aborted === true) return undefined;
  const picked = await resolveEntry(choice.item.entry, options.target, !choice.edit);
  if (picked === undefined || !choice.edit) return picked;
  return editBeforeInvoking(picked, options.target);
}

function section(title: string, items: Item[]): Item[] {
  return items.length === 0 ? [] : [{ label: title, kind: vscode.QuickPickItemKind.Separator }, ...items];
}

function recentItems(options: EventPickerOptions): Item[] {
  return options.recent.list(options.target).map((recent, index) => ({
    label: `$(history) ${recent.label}`,
    description: index === 0 ? 'last used' : new Date(recent.usedAt).toLocaleString(),
    entry: { kind: 'event', label: recent.label, event: recent.event },
    buttons: [EDIT],
  }));
}

function savedItem(saved: SavedEvent): Item {
  if (saved.error !== undefined) {
    return {
      label: `$(warning) ${saved.name}`,
      description: `not usable: ${saved.error}`,
      detail: saved.path,
      entry: { kind: 'broken', saved },
      buttons: [OPEN, DELETE],
    };
  }
  return {
    label: `$(file) ${saved.name}`,
    description: 'saved',
    entry: { kind: 'event', label: saved.name, event: saved.event, saved },
    buttons: [EDIT, OPEN, RENAME, DELETE],
  };
}

/** Opens, renames or deletes a saved event from the picker, which stays open. */
async function manageSaved(
  store: SavedEventStore,
  saved: SavedEvent,
  button: vscode.QuickInputButton,
  picker: vscode.QuickPick<Item>,
): Promise<void> {
  if (button === OPEN) {
    picker.hide();
    await vscode.window.showTextDocument(vscode.Uri.file(saved.path));
    return;
  }
  try {
    if (button === RENAME) {
      const name = await vscode.window.showInputBox({
        title: `Rename "${saved.name}"`,
        value: saved.name,
        ignoreFocusOut: STEP_OF_A_FLOW,
      });
      if (name !== undefined && name !== saved.name) await store.rename(saved.functionName, saved.name, name);
    } else if (button === DELETE) {
      const choice = await vscode.window.showWarningMessage(
        `Delete the saved event "${saved.name}" of ${saved.functionName}?`,
        { modal: true },
        'Delete',
      );
      if (choice === 'Delete') await store.delete(saved.functionName, saved.name);
    }
  } finally {
    picker.show();
  }
}

function templateItems(): Item[] {
  const byService = new Map<string, EventTemplate[]>();
  for (const template of EVENT_TEMPLATES) byService.set(template.service, [...(byService.get(template.service) ?? []), template]);
  return [...byService.entries()].flatMap(([service, templates]) => [
    { label: service, kind: vscode.QuickPickItemKind.Separator },
    ...templates.map((template) => ({
      label: template.title,
      description: service,
      detail:
        template.parameters.length === 0
          ? template.id
          : `${template.id}: asks for ${template.parameters.map((p) => p.name).join(', ')}`,
      entry: { kind: 'template' as const, template },
      buttons: [EDIT],
    })),
  ]);
}

/** The event an entry stands for; a template asks for its parameters unless the event is to be edited anyway. */
async function resolveEntry(entry: Entry, target: InvokeTarget, askParameters: boolean): Promise<PickedEvent | undefined> {
  switch (entry.kind) {
    case 'empty':
      return { event: {}, label: 'empty event' };
    case 'event':
      return { event: entry.event, label: entry.label };
    case 'broken': {
      const choice = await vscode.window.showErrorMessage(
        `The saved event "${entry.saved.name}" ${entry.saved.error ?? 'cannot be used'}. Open it to fix it; it was not sent.`,
        'Open File',
      );
      if (choice) await vscode.window.showTextDocument(vscode.Uri.file(entry.saved.path));
      return undefined;
    }
    case 'template': {
      const values: Record<string, string> = {};
      if (askParameters) {
        const { parameters } = entry.template;
        for (const [index, parameter] of parameters.entries()) {
          const answer = await vscode.window.showInputBox({
            title: `${entry.template.title} (${index + 1}/${parameters.length})`,
            prompt: parameter.description,
            value: parameter.default,
            ignoreFocusOut: true,
          });
          if (answer === undefined) return undefined;
          values[parameter.name] = answer;
        }
      }
      const context = defaultContext(target.kind === 'remote' ? { region: target.region } : {});
      return { event: entry.template.generate(values, context), label: entry.template.title };
    }
    case 'trigger': {
      const { templateId, values, title, region, accountId } = entry.triggerEvent;
      const context = defaultContext({
        ...(region === undefined ? {} : { region }),
        ...(accountId === undefined ? {} : { accountId }),
      });
      return { event: generateEvent(templateId, values, context), label: title };
    }
    case 'note':
      return undefined;
  }
}

/**
 * Opens the event as JSON for editing and waits for "Invoke". Invalid JSON is reported with its
 * line and column, and nothing is sent until it is fixed.
 */
export async function editBeforeInvoking(picked: PickedEvent, target: InvokeTarget): Promise<PickedEvent | undefined> {
  const document = await vscode.workspace.openTextDocument({
    language: 'json',
    content: `${JSON.stringify(picked.event, null, 2)}\n`,
  });
  await vscode.window.showTextDocument(document);
  for (;;) {
    const choice = await vscode.window.showInformationMessage(
      `Edit the event for ${target.functionName}, then choose Invoke.`,
      'Invoke',
      'Cancel',
    );
    if (choice !== 'Invoke') return undefined;
    const parsed = parseJsonText(document.getText());
    if (parsed.ok) return { event: parsed.value, label: `${picked.label} (edited)` };
    // Not awaited: the choice to invoke is offered again right away, next to the error.
    void vscode.window.showErrorMessage(
      `The event is not valid JSON (${describeJsonError(parsed.error)}). Nothing was sent; fix it and choose Invoke again.`,
    );
  }
}

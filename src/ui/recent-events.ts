// The events used lately with each function, newest first, kept in the workspace's state (not
// shared through git, unlike saved events). The first is the last event used.
import type * as vscode from 'vscode';
import type { InvokeTarget } from '../core/invoke/invocation';

export interface RecentEvent {
  readonly label: string;
  readonly event: unknown;
  readonly usedAt: number;
}

const KEY = 'lambdaWorkbench.recentEvents';
const PER_FUNCTION = 5;

export function targetKey(target: InvokeTarget): string {
  return target.kind === 'local' ? `local:${target.functionName}` : `remote:${target.region}:${target.functionName}`;
}

export class RecentEvents {
  constructor(private readonly state: vscode.Memento) {}

  list(target: InvokeTarget): RecentEvent[] {
    return this.all()[targetKey(target)] ?? [];
  }

  async remember(target: InvokeTarget, label: string, event: unknown): Promise<void> {
    const all = this.all();
    const key = targetKey(target);
    const text = JSON.stringify(event);
    const others = (all[key] ?? []).filter((recent) => JSON.stringify(recent.event) !== text);
    all[key] = [{ label, event, usedAt: Date.now() }, ...others].slice(0, PER_FUNCTION);
    await this.state.update(KEY, all);
  }

  private all(): Record<string, RecentEvent[]> {
    return { ...this.state.get<Record<string, RecentEvent[]>>(KEY, {}) };
  }
}

// The one small context every feature receives: the log, typed settings, and two cleanup scopes.
import * as vscode from 'vscode';
import { Config } from './config';

/** A set of disposables released together. */
export class Scope implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];

  add<T extends vscode.Disposable>(item: T): T {
    this.items.push(item);
    return item;
  }

  dispose(): void {
    // Last in, first out: later registrations may depend on earlier ones.
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch {
        // One failing disposer must not keep the rest alive.
      }
    }
  }
}

export class Ctx {
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  /** Lives as long as the extension. */
  readonly extensionScope: Scope;
  private connectionScope = new Scope();

  constructor(readonly extension: vscode.ExtensionContext) {
    this.extensionScope = new Scope();
    extension.subscriptions.push(this.extensionScope, {
      dispose: () => {
        this.connectionScope.dispose();
      },
    });
    this.log = this.extensionScope.add(vscode.window.createOutputChannel('Lambda Workbench', { log: true }));
    this.config = this.extensionScope.add(new Config(this.log));
  }

  /** Lives as long as the active AWS profile, region and endpoint; rebuilt when they change. */
  get connection(): Scope {
    return this.connectionScope;
  }

  /** Releases everything tied to the current AWS connection and starts an empty scope. */
  resetConnection(): Scope {
    this.connectionScope.dispose();
    this.connectionScope = new Scope();
    return this.connectionScope;
  }

  get version(): string {
    const version = (this.extension.extension.packageJSON as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  }
}

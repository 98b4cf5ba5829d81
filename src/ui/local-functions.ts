// The workspace's functions, from its SAM templates, until handler discovery lists handler code
// as well. Read when first asked for and again after a template changes.
import { relative } from 'node:path';
import * as vscode from 'vscode';
import { readTemplate, type TemplateFunction } from '../core/discovery/sam';
import type { Ctx } from './ctx';

export interface LocalFunction {
  readonly fn: TemplateFunction;
  /** Where it is described, relative to its workspace folder. */
  readonly source: string;
}

const TEMPLATES = '**/template.{yaml,yml}';
const EXCLUDED = '**/{node_modules,.aws-sam,cdk.out,.git}/**';

export class LocalFunctions implements vscode.Disposable {
  private cached: Promise<LocalFunction[]> | undefined;
  private readonly watcher: vscode.FileSystemWatcher;

  constructor(private readonly ctx: Ctx) {
    this.watcher = vscode.workspace.createFileSystemWatcher(TEMPLATES);
    const forget = () => {
      this.cached = undefined;
    };
    this.watcher.onDidChange(forget);
    this.watcher.onDidCreate(forget);
    this.watcher.onDidDelete(forget);
  }

  list(): Promise<LocalFunction[]> {
    this.cached ??= this.read();
    return this.cached;
  }

  async find(name: string): Promise<LocalFunction | undefined> {
    return (await this.list()).find((f) => f.fn.config.name === name || f.fn.logicalId === name);
  }

  dispose(): void {
    this.watcher.dispose();
  }

  private async read(): Promise<LocalFunction[]> {
    const files = await vscode.workspace.findFiles(TEMPLATES, EXCLUDED, 50);
    const functions: LocalFunction[] = [];
    for (const file of files) {
      const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath;
      try {
        for (const fn of readTemplate(file.fsPath)) {
          functions.push({ fn, source: folder === undefined ? file.fsPath : relative(folder, file.fsPath) });
          for (const warning of fn.warnings) this.ctx.log.warn(`${file.fsPath}: ${warning}`);
        }
      } catch (error) {
        // One broken template must not hide the functions of the others.
        this.ctx.log.warn(`Skipped ${file.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return functions.sort((a, b) => a.fn.config.name.localeCompare(b.fn.config.name));
  }
}

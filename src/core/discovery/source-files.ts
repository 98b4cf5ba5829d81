// Which files of a workspace discovery reads: handler code by extension (never tests or
// declarations), templates and serverless.yml by name, and the folders it never enters because
// they hold installed packages, build output or tool state rather than the user's handlers.
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { HandlerLanguage } from './types';

const LANGUAGE_BY_EXTENSION: Readonly<Record<string, HandlerLanguage>> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescript',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.py': 'python',
};

/** Extensions a Lambda handler module can have; JSX is parsed for CodeLens but is never a handler file on disk. */
const WALKED_CODE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.py']);

const SKIPPED_FOLDERS = new Set([
  'node_modules',
  'dist',
  'build',
  'out',
  'coverage',
  'cdk.out',
  'venv',
  'env',
  '__pycache__',
  '__tests__',
]);

/** The language of a source file by its extension; undefined for declaration files and other files. */
export function handlerLanguageOf(file: string): HandlerLanguage | undefined {
  if (/\.d\.[cm]?ts$/.test(file)) return undefined;
  return LANGUAGE_BY_EXTENSION[extname(file)];
}

/** Test code calls handlers but is never deployed as one, so its functions are not handlers. */
export function isTestFile(file: string): boolean {
  const name = basename(file);
  if (/\.(test|spec)\.[^.]+$/.test(name)) return true;
  if (name === 'conftest.py' || (name.endsWith('.py') && (name.startsWith('test_') || name.endsWith('_test.py')))) {
    return true;
  }
  return file.includes('__tests__') && file.split(/[\\/]/).includes('__tests__');
}

/** Whether a folder holds nothing of the user's own code: dependencies, builds, hidden tool state. */
export function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || SKIPPED_FOLDERS.has(name);
}

export type TemplateCandidate = 'template' | 'maybeTemplate';

/**
 * `template.yaml` is SAM's name and always read; other `template*.yaml` files only when their text
 * says CloudFormation, since many tools name unrelated files so.
 */
export function templateCandidate(name: string): TemplateCandidate | undefined {
  if (name === 'template.yaml' || name === 'template.yml') return 'template';
  if (name.startsWith('template') && (name.endsWith('.yaml') || name.endsWith('.yml'))) return 'maybeTemplate';
  return undefined;
}

export function isServerlessFile(name: string): boolean {
  return name === 'serverless.yml' || name === 'serverless.yaml';
}

/** The files of a workspace that discovery reads, by kind, with absolute paths. */
export interface WorkspaceFiles {
  readonly templates: string[];
  /** `template*.yaml` files other than template.yaml, to be kept only when they look like CloudFormation. */
  readonly maybeTemplates: string[];
  readonly serverless: string[];
  readonly code: string[];
  /** Folders that hold a package.json: the roots of Node.js packages. */
  readonly packageFolders: Set<string>;
  /**
   * Folders read whole, and the links in them: a code file in one of these folders that is not in
   * `code` and not a link does not exist, which saves asking the file system for each file name a
   * handler string could mean.
   */
  readonly walkedFolders: Set<string>;
  readonly links: Set<string>;
}

/** Whether the walk saw that a file a handler string may mean is not there. */
export function walkSawNoFile(files: WorkspaceFiles, code: ReadonlySet<string>, file: string): boolean {
  // Where names are matched without regard to case (macOS, Windows), only the file system can tell.
  if (process.platform === 'darwin' || process.platform === 'win32') return false;
  return (
    files.walkedFolders.has(dirname(file)) &&
    !files.links.has(file) &&
    !code.has(file) &&
    WALKED_CODE_EXTENSIONS.has(extname(file)) &&
    handlerLanguageOf(file) !== undefined &&
    !isTestFile(file)
  );
}

/**
 * Synchronous on purpose: it runs in the discovery worker, and for thousands of small folders and
 * files the synchronous calls are several times faster than fs/promises' round trips.
 */
export function listWorkspaceFiles(root: string): WorkspaceFiles {
  const files: WorkspaceFiles = {
    templates: [],
    maybeTemplates: [],
    serverless: [],
    code: [],
    packageFolders: new Set(),
    walkedFolders: new Set(),
    links: new Set(),
  };
  const visit = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // A folder that vanished or cannot be read holds nothing discovery can use.
    }
    files.walkedFolders.add(dir);
    for (const entry of entries) {
      const name = entry.name;
      const path = join(dir, name);
      if (entry.isDirectory()) {
        if (!isSkippedFolder(name)) visit(path);
        continue;
      }
      if (entry.isSymbolicLink()) files.links.add(path);
      if (!entry.isFile()) continue;
      if (name === 'package.json') files.packageFolders.add(dir);
      const template = templateCandidate(name);
      if (template === 'template') files.templates.push(path);
      else if (template === 'maybeTemplate') files.maybeTemplates.push(path);
      else if (isServerlessFile(name)) files.serverless.push(path);
      else if (WALKED_CODE_EXTENSIONS.has(extname(name)) && handlerLanguageOf(name) !== undefined && !isTestFile(path)) {
        files.code.push(path);
      }
    }
  };
  visit(root);
  // Listing order depends on the file system; a stable order keeps results reproducible.
  for (const list of [files.templates, files.maybeTemplates, files.serverless, files.code]) list.sort();
  return files;
}

// src/core must stay usable without an editor (CLI, benchmarks, child processes).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(__dirname, '../..');
const VSCODE_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]vscode['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.[cm]?[jt]s$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

test('no file under src/core imports vscode', () => {
  const files = sourceFiles(join(root, 'src/core'));
  assert.ok(files.length > 0, 'src/core has source files');
  const offenders = files.filter((file) => VSCODE_IMPORT.test(readFileSync(file, 'utf8'))).map((f) => relative(root, f));
  assert.deepEqual(offenders, []);
});

test('the purity check recognises every form of a vscode import', () => {
  for (const line of [
    "import * as vscode from 'vscode';",
    'import type { Uri } from "vscode";',
    "const vscode = require('vscode');",
    "await import('vscode');",
    "import 'vscode';",
  ]) {
    assert.match(line, VSCODE_IMPORT, line);
  }
  assert.doesNotMatch("import { x } from 'vscode-uri';", VSCODE_IMPORT);
});

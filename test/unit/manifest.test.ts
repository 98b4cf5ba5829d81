// The manifest is code too: these checks catch what VS Code would only show as a broken menu or view.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

const root = resolve(__dirname, '../..');
interface Command {
  command: string;
  title: string;
  category?: string;
}
interface MenuItem {
  command: string;
  when?: string;
}
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  name: string;
  displayName: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  devDependencies: Record<string, string>;
  contributes: {
    viewsContainers: { activitybar: { id: string; title: string; icon: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    snippets: { language: string; path: string }[];
  };
};
const commandIds = new Set(pkg.contributes.commands.map((c) => c.command));

describe('package.json', () => {
  test('identity and entry point', () => {
    assert.equal(pkg.name, 'lambda-workbench');
    assert.equal(pkg.displayName, 'Lambda Workbench');
    assert.equal(pkg.main, './dist/extension.js');
  });

  test('engines.vscode is satisfied by code-server 4.100.3 (VS Code 1.100.3) and matches @types/vscode', () => {
    const match = /^\^1\.(\d+)\.0$/.exec(pkg.engines.vscode);
    assert.ok(match, `engines.vscode is a caret range: ${pkg.engines.vscode}`);
    assert.ok(Number(match[1]) <= 100);
    assert.equal(pkg.devDependencies['@types/vscode'], `1.${match[1]}.0`);
  });

  test('activation is narrow: never "*" or onStartupFinished', () => {
    assert.ok(pkg.activationEvents.length > 0);
    for (const event of pkg.activationEvents) {
      assert.notEqual(event, '*');
      assert.notEqual(event, 'onStartupFinished');
    }
  });

  test('a "Lambda" activity-bar container with the Functions and Local views', () => {
    const [container] = pkg.contributes.viewsContainers.activitybar;
    assert.equal(container?.title, 'Lambda');
    const views = pkg.contributes.views[container.id]?.map((v) => v.name);
    assert.deepEqual(views, ['Functions', 'Local']);
  });

  test('every command is in the "Lambda" category and has a title', () => {
    for (const command of pkg.contributes.commands) {
      assert.equal(command.category, 'Lambda', command.command);
      assert.match(command.command, /^lambdaWorkbench\.[a-zA-Z]+$/);
      assert.ok(command.title.length > 0);
    }
  });

  test('menus and welcome links name only contributed commands', () => {
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items) assert.ok(commandIds.has(item.command), `${menu}: ${item.command}`);
    }
    for (const welcome of pkg.contributes.viewsWelcome) {
      for (const [, id] of welcome.contents.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(id && commandIds.has(id), `${welcome.view}: ${id}`);
      }
    }
  });

  test('snippet files exist and are valid JSON with a prefix and body', () => {
    for (const { path } of pkg.contributes.snippets) {
      const snippets = JSON.parse(readFileSync(resolve(root, path), 'utf8')) as Record<
        string,
        { prefix: string; body: string[] }
      >;
      assert.ok(Object.keys(snippets).length > 0, path);
      for (const [name, snippet] of Object.entries(snippets)) {
        assert.match(snippet.prefix, /^lambda/, `${path}: ${name}`);
        assert.ok(Array.isArray(snippet.body) && snippet.body.length > 0, `${path}: ${name}`);
      }
    }
  });

  test('.vscodeignore is an allowlist: it excludes everything, then names what ships', () => {
    const lines = readFileSync(resolve(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(lines[0], '**');
    assert.ok(lines.slice(1).every((l) => l.startsWith('!')));
    assert.ok(lines.includes('!dist/extension.js'));
  });
});

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));
const nodeGlobals = readonly([
  'process',
  'console',
  'URL',
  'setTimeout',
  'clearTimeout',
  'setImmediate',
  'setInterval',
  'fetch',
  'performance',
  'AbortSignal',
  'URLSearchParams',
  'Buffer',
  'globalThis',
]);
const commonJsGlobals = readonly(['require', 'module', 'exports', '__dirname', '__filename']);

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'out/',
      '.cache/',
      '**/node_modules/',
      'test-results/',
      'test/fixtures/',
      'examples/',
      'bench/emulator/app/',
      'bench/emulator/http-app/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `return send(...)` in a function returning void, and `() => doIt()`, read plainly.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      // node:test's describe/test return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] }] },
      ],
    },
  },
  {
    // src/core must stay editor-free; test/unit/core-purity.test.ts checks the same.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code.' }] }],
    },
  },
  {
    // Tests read JSON as the type they expect, by a type parameter.
    files: ['test/**/*.ts'],
    // Tests guard with optional chains that assertions have made unnecessary for the type checker.
    rules: { '@typescript-eslint/no-unnecessary-type-parameters': 'off', '@typescript-eslint/no-unnecessary-condition': 'off' },
  },
  {
    // Webview scripts run in the browser.
    files: ['media/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'script',
      globals: readonly([
        'document',
        'window',
        'acquireVsCodeApi',
        'requestAnimationFrame',
        'performance',
        'setTimeout',
        'clearTimeout',
        'HTMLElement',
      ]),
    },
  },
  {
    // Build and test scripts are plain JavaScript modules.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // The emulator's Node.js runtime runs as plain CommonJS in each environment; tsc checks it through @ts-check.
    files: ['**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

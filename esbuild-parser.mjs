// An esbuild plugin for the parser thread's bundle (dist/parser-thread.js), shared by the build
// (esbuild.mjs) and the discovery benchmark, which must measure what users get.
import { readFileSync } from 'node:fs';

/**
 * The parser thread uses TypeScript's parser, scanner and node factory, never its type checker,
 * emitter, program, language service or server, which are most of the compiler's size. Each such
 * function or class is kept (so every reference to it still resolves) with its body replaced by a
 * throw, in every build, so the tests exercise the bundle users get. They are found with
 * TypeScript's own parser, not by text.
 */
const LEFT_OUT_OF_PARSER =
  /^(createTypeChecker|createPrinter|createProgram|createLanguageService|createWatchProgram|createResolutionCache|createSyntacticTypeNodeBuilder|createImportAdder\w*|createSolutionBuilder\w*|createBuilderProgram\w*|getCompletionData|getCompletionsAtPosition|provideInlayHints|getAllRules|formatSpanWorker|spanInSourceFileAtLocation|inferTypeFromReferences|getSymbolDisplayParts\w*|transform[A-Z]\w*)$/;
const CLASSES_LEFT_OUT_OF_PARSER = new Set([
  '_ProjectService',
  '_Session',
  '_Project',
  '_AutoImportProviderProject',
  '_TypingsInstallerAdapter',
  '_ChangeTracker',
]);
export const typescriptParserOnly = {
  name: 'typescript-parser-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]typescript[\\/]lib[\\/]typescript\.js$/ }, async (args) => {
      const { default: ts } = await import('typescript');
      const text = readFileSync(args.path, 'utf8');
      const source = ts.createSourceFile(args.path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
      const cuts = [];
      const thrown = (name) => `throw new Error("TypeScript's ${name} is left out of Lambda Workbench's parser.");`;
      const visit = (node) => {
        if (ts.isFunctionDeclaration(node)) {
          if (node.name !== undefined && node.body !== undefined && LEFT_OUT_OF_PARSER.test(node.name.text)) {
            cuts.push({ start: node.body.getStart(source), end: node.body.end, text: `{ ${thrown(node.name.text)} }` });
          }
          return;
        }
        if (ts.isClassExpression(node) && node.name !== undefined && CLASSES_LEFT_OUT_OF_PARSER.has(node.name.text)) {
          cuts.push({ start: node.members.pos, end: node.members.end, text: ` constructor() { ${thrown(node.name.text)} } ` });
          return;
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
      let contents = '';
      let at = 0;
      for (const cut of cuts) {
        contents += text.slice(at, cut.start) + cut.text;
        at = cut.end;
      }
      return { contents: contents + text.slice(at), loader: 'js' };
    });
  },
};

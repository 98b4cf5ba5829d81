// The handlers in one file's text, by its extension: the pre-check, then the Python line scanner or
// the TypeScript parser. This module carries the TypeScript compiler; the workspace scan does not,
// and reaches it through a NodeHandlerParser (in-process here, or the parser worker's).
import { findNodeHandlers } from './code-handlers';
import { mayHoldHandlers } from './precheck';
import { findPythonHandlers } from './python-handlers';
import { handlerLanguageOf } from './source-files';
import type { HandlerLocation, NodeHandlerParser, SourceText } from './types';

/** The handlers in one file's text (such as an open editor's), by the file's extension. */
export function findHandlersInText(file: string, text: string): HandlerLocation[] {
  const language = handlerLanguageOf(file);
  if (language === undefined || !mayHoldHandlers(language === 'python', text)) return [];
  return language === 'python' ? findPythonHandlers(file, text) : findNodeHandlers(file, text);
}

/** Parses on the calling thread: for tests and tools that load the TypeScript compiler anyway. */
export const inProcessParser: NodeHandlerParser = {
  parse: (files: readonly SourceText[]) =>
    Promise.resolve(files.map(({ file, text, allExports }) => findNodeHandlers(file, text, 'blank', allExports === true))),
};

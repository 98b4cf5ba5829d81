// The handlers of documents open in the editor, asked for again after every edit (CodeLens). Each
// document's syntax tree is kept, and a new text is parsed incrementally against it with
// TypeScript's own incremental parser, the one editors use: the statements the edit did not touch
// are reused, so an edit costs about what the edited statement costs, not what the file costs.
import ts from 'typescript';
import { handlersOfModule, parseModule } from './code-handlers';
import { findHandlersInText } from './find-handlers';
import { mayHoldHandlers } from './precheck';
import { handlerLanguageOf } from './source-files';
import type { HandlerLocation } from './types';

interface KeptDocument {
  /** The tree of the last text that was parsed; `source.text` is that text. */
  source: ts.SourceFile;
  /** The last text asked for (which the pre-check may have answered without parsing) and its handlers. */
  text: string;
  handlers: HandlerLocation[];
}

export class DocumentHandlers {
  /** In order of use, least recent first. */
  private readonly documents = new Map<string, KeptDocument>();

  /** `capacity`: how many documents keep a tree; the least recently used beyond it are dropped. */
  constructor(private readonly capacity = 8) {}

  /** The handlers in `text`, the current text of the document at `file`. */
  handlers(file: string, text: string): HandlerLocation[] {
    const language = handlerLanguageOf(file);
    if (language === undefined || language === 'python') return findHandlersInText(file, text);
    const kept = this.documents.get(file);
    this.documents.delete(file);
    if (kept?.text === text) {
      this.documents.set(file, kept);
      return kept.handlers;
    }
    let source = kept?.source;
    let handlers: HandlerLocation[] = [];
    if (mayHoldHandlers(false, text)) {
      source = source === undefined ? parseModule(file, text) : reparse(source, text);
      handlers = handlersOfModule(source);
    }
    if (source !== undefined) this.documents.set(file, { source, text, handlers });
    for (const least of this.documents.keys()) {
      if (this.documents.size <= this.capacity) break;
      this.documents.delete(least);
    }
    return handlers;
  }

  /** Drops a document's tree (the editor closed it). */
  forget(file: string): void {
    this.documents.delete(file);
  }
}

/**
 * The tree of `text`, from the tree of an earlier text of the same document, which must not be
 * used afterwards: the incremental parser reuses and moves its nodes.
 */
export function reparse(source: ts.SourceFile, text: string): ts.SourceFile {
  if (source.text === text) return source;
  try {
    return ts.updateSourceFile(source, text, changeBetween(source.text, text));
  } catch {
    // It asserts its invariants; a failed one costs a whole parse, never a wrong answer.
    return parseModule(source.fileName, text);
  }
}

/** The one span of `before` that was replaced to give `after`: what lies between their common start and end. */
export function changeBetween(before: string, after: string): ts.TextChangeRange {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let beforeEnd = before.length;
  let afterEnd = after.length;
  while (beforeEnd > start && afterEnd > start && before.charCodeAt(beforeEnd - 1) === after.charCodeAt(afterEnd - 1)) {
    beforeEnd--;
    afterEnd--;
  }
  return ts.createTextChangeRange(ts.createTextSpan(start, beforeEnd - start), afterEnd - start);
}

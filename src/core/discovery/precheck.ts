// The text search that comes before any parsing: most source files are not handlers, and ruling
// them out by a few substring searches is far cheaper than parsing them. It runs where the files are
// read (the discovery worker), so only the candidates travel to the parser worker.

/**
 * False when the finders cannot find a handler in the text. It only ever answers "maybe" for what
 * the finders accept: each of their rules needs one of these words in the text.
 */
export function mayHoldHandlers(python: boolean, text: string): boolean {
  if (python) return text.includes('def') && (text.includes('andler') || text.includes('event') || text.includes('evt'));
  if (!text.includes('export')) return false;
  // A name ending in handler/Handler, or a type from aws-lambda.
  if (text.includes('andler') || text.includes('aws-lambda')) return true;
  // Lambda's parameters: the context is a second parameter, after a comma, a comment or `...`; the
  // event is a first one, after a parenthesis (or `this: T,`, a comment, a decorator), and a second
  // parameter follows it, so a `)` right after it (`catch (e)`, `(e) =>`) ends the list instead.
  return hasWord(text, CONTEXT_PARAMETER_WORDS, ',/.', '') && hasWord(text, EVENT_PARAMETER_WORDS, '(,/)', ')');
}

const CONTEXT_PARAMETER_WORDS = ['context', '_context', 'ctx'];
const EVENT_PARAMETER_WORDS = ['event', '_event', 'evt', 'e'];

/**
 * Whether one of `words` stands alone as a name somewhere, the code before it ends in one of
 * `after` (a `.` only as the end of `...`), and the code after it does not start with one of `notBefore`.
 */
function hasWord(text: string, words: readonly string[], after: string, notBefore: string): boolean {
  for (const word of words) {
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      const end = at + word.length;
      if (isNameCode(text.charCodeAt(at - 1)) || isNameCode(text.charCodeAt(end))) continue;
      let before = at - 1;
      while (before >= 0 && isSpaceCode(text.charCodeAt(before))) before--;
      if (before < 0 || !after.includes(text.charAt(before))) continue;
      if (text.charAt(before) === '.' && !text.startsWith('...', before - 2)) continue;
      let next = end;
      while (next < text.length && isSpaceCode(text.charCodeAt(next))) next++;
      if (next < text.length && notBefore.includes(text.charAt(next))) continue;
      return true;
    }
  }
  return false;
}

function isNameCode(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 36 || // $
    code > 127
  );
}

function isSpaceCode(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

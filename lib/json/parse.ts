/**
 * JSON parsing that says where a syntax error is, in the same words in every browser and in Node
 * (JSON.parse's messages differ between engines and often give no position). A small RFC 8259 scanner
 * finds the first error; JSON.parse builds the value once the text is known to be valid.
 */

export type JsonParseResult =
  | { ok: true; value: unknown }
  | { ok: false; message: string; offset: number; line: number; column: number };

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const show = (ch: string | undefined) =>
  ch === undefined ? 'the end of the document' : ch === '\n' ? 'a line break' : `'${ch}'`;

function scan(text: string): void {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };

  const string = () => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        const esc = text[i + 1];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            fail('A \\u escape needs four hexadecimal digits.', i);
          i += 6;
          continue;
        }
        if (esc === undefined || !'"\\/bfnrt'.includes(esc)) fail(`Invalid escape \\${esc ?? ''} in a string.`, i);
        i += 2;
        continue;
      }
      if (ch === '\n') fail('A string cannot span lines: close it with " first.', start);
      if (ch.charCodeAt(0) < 0x20) fail('Control characters must be escaped in a string.', i);
      i++;
    }
    fail('This string is never closed: add the missing ".', start);
  };

  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-') fail(`Unexpected ${show(text[i])}: expected a value.`);
    i += m![0].length;
  };

  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else {
      const bare = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i))?.[0];
      fail(
        bare
          ? `Unexpected word '${bare}': text values must be in double quotes.`
          : `Unexpected ${show(text[i])}: expected a value.`,
      );
    }
  };

  const value = (depth: number) => {
    if (depth > 512) fail('The document is nested too deeply.');
    ws();
    const ch = text[i];
    if (ch === '{') return object(depth);
    if (ch === '[') return array(depth);
    if (ch === '"') return string();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === "'") fail('Use double quotes (") for strings, not single quotes.');
    if (ch === undefined) fail('The document ends too early: a value is missing.');
    if (ch === '}' || ch === ']')
      fail(`Unexpected ${show(ch)}: a value is missing (or there is a trailing comma before it).`);
    literal('\u0000'); // reports the unexpected word or character
  };

  const object = (depth: number) => {
    i++; // {
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      const ch = text[i];
      if (ch === '}') fail('Trailing comma: remove the comma before }.', i);
      if (ch !== '"') {
        if (ch === undefined) fail('The document ends inside an object: a } is missing.');
        fail(
          ch === "'"
            ? 'Property names must be in double quotes, not single quotes.'
            : `Expected a property name in double quotes, found ${show(ch)}.`,
        );
      }
      string();
      ws();
      if (text[i] !== ':') fail(`Expected ':' after the property name, found ${show(text[i])}.`);
      i++;
      value(depth + 1);
      ws();
      const next = text[i];
      if (next === ',') {
        i++;
        continue;
      }
      if (next === '}') {
        i++;
        return;
      }
      if (next === undefined) fail('The document ends inside an object: a } is missing.');
      fail(
        `Expected ',' or '}' after a property value, found ${show(next)}.${next === '"' ? ' A comma is probably missing.' : ''}`,
      );
    }
  };

  const array = (depth: number) => {
    i++; // [
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('Trailing comma: remove the comma before ].', i);
      value(depth + 1);
      ws();
      const next = text[i];
      if (next === ',') {
        i++;
        continue;
      }
      if (next === ']') {
        i++;
        return;
      }
      if (next === undefined) fail('The document ends inside a list: a ] is missing.');
      fail(
        `Expected ',' or ']' after a list item, found ${show(next)}.${next === '"' || next === '{' ? ' A comma is probably missing.' : ''}`,
      );
    }
  };

  ws();
  if (i === text.length) fail('The document is empty.', 0);
  value(0);
  ws();
  if (i < text.length) fail(`Unexpected ${show(text[i])} after the end of the document.`);
}

/** Parses JSON; on a syntax error, a message in plain words and where it is (1-based line and column). */
export function parseJson(text: string): JsonParseResult {
  try {
    scan(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      return { ok: false, message: err.message, offset: err.offset, ...lineColumn(text, err.offset) };
    }
    throw err;
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    // The scanner accepts only valid JSON, so this is a safety net.
    return { ok: false, message: (err as Error).message, offset: 0, line: 1, column: 1 };
  }
}

/**
 * A JSON syntax error as every form shows it, once: `Line 3, column 3: Expected ',' or '}' ...` (never also
 * JSON.parse's own "at position 115", which counts characters no person counts).
 */
export function jsonSyntaxMessage(error: { line: number; column: number; message: string }): string {
  return `Line ${error.line}, column ${error.column}: ${error.message}`;
}

/** Whether `text` is such a message: the JSON editor shows its own, live, and drops a copy a server sent back. */
export function isJsonSyntaxMessage(text: string): boolean {
  return /^Line \d+, column \d+: /.test(text);
}

/** `text` pretty-printed with two-space indentation, or undefined when it is not valid JSON. */
export function formatJson(text: string): string | undefined {
  const result = parseJson(text);
  return result.ok ? JSON.stringify(result.value, null, 2) : undefined;
}

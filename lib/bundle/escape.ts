/**
 * Quoting for every language a bundle writes: POSIX shell, .env, C, Markdown, comments. Each function returns
 * text that reads back as exactly the input string, whatever it contains; the tests read them back with bash,
 * gcc and node. Runs in the browser and on the server (no node: imports).
 */

const encoder = new TextEncoder();

/** PEM text as files carry it: LF line endings, no surrounding blank lines, one final newline. */
export function normalizePem(pem: string): string {
  return pem.replace(/\r\n?/g, '\n').trim() + '\n';
}

/** Characters a POSIX shell leaves alone without quotes (a conservative set). */
const SHELL_BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * A POSIX shell word for `value`: bare when it only holds harmless characters, otherwise single-quoted with
 * embedded single quotes written as '\''. Correct in sh, dash, bash and zsh.
 */
export function shQuote(value: string): string {
  if (value.includes('\0')) throw new RangeError('A shell argument cannot contain a NUL character.');
  if (SHELL_BARE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A value for a .env file that both `set -a; . ./device.env` in a POSIX shell and dotenv-style parsers
 * (node's --env-file / util.parseEnv, python-dotenv, docker compose) read back unchanged: single-quoted,
 * which neither expands. A value holding a single quote cannot be single-quoted; it is double-quoted with
 * \ " $ ` escaped, which a shell reads back exactly (dotenv parsers keep the backslashes).
 */
export function envQuote(value: string): string {
  if (value.includes('\0')) throw new RangeError('A .env value cannot contain a NUL character.');
  if (!value.includes("'")) return `'${value}'`;
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * The body of a C string literal (without the quotes) for `value` encoded as UTF-8: printable ASCII as is,
 * backslash, double quote and question mark escaped (the last so no trigraph such as ??/ can form), \n \r \t
 * by name and every other byte as a three-digit octal escape, which never swallows a following digit.
 */
export function cStringBody(value: string): string {
  let out = '';
  for (const byte of encoder.encode(value)) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x22) out += '\\"';
    else if (byte === 0x3f) out += '\\?';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += '\\' + byte.toString(8).padStart(3, '0');
  }
  return out;
}

/** A complete C string literal. */
export function cString(value: string): string {
  return `"${cStringBody(value)}"`;
}

/**
 * A PEM block as a C macro body: one string literal per line, each ending in "\n", joined by backslash line
 * continuations, the way FreeRTOS's aws_clientcredential_keys.h expects it. Adjacent literals concatenate, so
 * the macro's value is the normalised PEM text byte for byte.
 */
export function cPemMacro(name: string, pem: string, indent = '    '): string {
  const lines = normalizePem(pem).slice(0, -1).split('\n');
  return [
    `#define ${name} \\`,
    ...lines.map((line, i) => `${indent}${cString(line + '\n')}${i < lines.length - 1 ? ' \\' : ''}`),
  ].join('\n');
}

/**
 * Text safe inside any comment (C block comment, shell/Python #, JS //): only letters, digits, space and
 * : _ . , @ + = / - ( ) survive; anything else becomes _. Without * no C comment can close early, without a
 * newline or backslash no line comment can continue onto the next line.
 */
export function commentText(value: string): string {
  return value.replace(/[^A-Za-z0-9 :_.,@+=/()-]/g, '_');
}

/** Inline Markdown code showing `value` verbatim, with a fence longer than any run of backticks in it. */
export function mdCode(value: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') || /^ .* $/.test(value) ? ' ' : '';
  return `${fence}${pad}${value.replace(/[\r\n]+/g, ' ')}${pad}${fence}`;
}

/** Inline code inside a Markdown table cell: | must be escaped even inside code spans (GFM). */
export function mdCell(value: string): string {
  return mdCode(value).replace(/\|/g, '\\|');
}

/** A fenced Markdown code block with a fence no line of `body` can close. */
export function mdFence(body: string, lang = ''): string {
  const longest = Math.max(2, ...(body.match(/^`{3,}/gm) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body.replace(/\n$/, '')}\n${fence}`;
}

/** UTF-8 length of a string. */
export function utf8Length(value: string): number {
  return encoder.encode(value).length;
}

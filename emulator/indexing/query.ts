/**
 * AWS IoT fleet indexing's query syntax (developer guide, "Query syntax" and "Example thing queries"), parsed
 * into a tree the matcher (match.ts) evaluates. Pure.
 *
 * Supported, as AWS documents it:
 *  - terms `field:value`, phrases `field:"two words"`, a bare `value` (searched in every field), `*` alone
 *    (every thing) and `field:*` (the field exists);
 *  - wildcards in values: `*` any run of characters, `?` one character (a leading wildcard in one term per
 *    query at most, and then the query is at most 100 characters);
 *  - ranges `field:[a TO b]` (inclusive), `field:{a TO b}` (exclusive), mixed `[a TO b}`, `*` for an open end;
 *    comparisons `field>v`, `field>=v`, `field<v`, `field<=v` (also written `field:>v`);
 *  - AND, OR, NOT, `-term` (exclusion), parentheses, field grouping `field:(a OR b*)`; the default operator is
 *    AND (`a:1 b:2` is `a:1 AND b:2`); AND binds tighter than OR;
 *  - backslash escapes a special character in a term.
 * Refused: the characters AWS lists as unsupported outside quotes (` @ # % / ' ; ,), more than 12 terms,
 * unbalanced parentheses or quotes, an operator with nothing to apply to.
 */

export type ValuePattern =
  /** Case-insensitive equality (a quoted phrase, or a term without wildcards). */
  | { kind: 'exact'; text: string }
  /** `*` / `?` wildcards; `text` keeps them. */
  | { kind: 'wildcard'; text: string };

export interface Bound {
  value: string;
  inclusive: boolean;
}

export type QueryNode =
  | { kind: 'and'; items: QueryNode[] }
  | { kind: 'or'; items: QueryNode[] }
  | { kind: 'not'; item: QueryNode }
  /** Every document (a bare `*`). */
  | { kind: 'all' }
  /** `field` undefined: the value is searched in every field. */
  | { kind: 'term'; field?: string; value: ValuePattern }
  | { kind: 'exists'; field: string }
  | { kind: 'range'; field: string; lower?: Bound; upper?: Bound };

export class QuerySyntaxError extends Error {}

export const MAX_QUERY_TERMS = 12;
/** Parentheses nest at most this deep (a guard for the parser's recursion; twelve terms never need more). */
export const MAX_NESTING = 32;
export const MAX_LEADING_WILDCARD_QUERY_LENGTH = 100;

type Token =
  | { t: '(' | ')' | '[' | ']' | '{' | '}' | ':' | 'AND' | 'OR' | 'NOT' | 'TO' | '-'; at: number }
  | { t: 'cmp'; op: '<' | '<=' | '>' | '>='; at: number }
  | { t: 'word'; text: string; quoted: boolean; at: number };

const UNSUPPORTED = new Set(['`', '@', '#', '%', '/', "'", ';', ',']);
const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', ':', '<', '>', '"']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === '(' || c === ')' || c === '[' || c === ']' || c === '{' || c === '}' || c === ':') {
      tokens.push({ t: c, at });
      i++;
    } else if (c === '<' || c === '>') {
      const op = input[i + 1] === '=' ? (`${c}=` as '<=' | '>=') : c;
      tokens.push({ t: 'cmp', op, at });
      i += op.length;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i];
        i++;
      }
      if (i >= input.length) throw new QuerySyntaxError(`Unterminated quoted phrase starting at position ${at}.`);
      i++;
      tokens.push({ t: 'word', text, quoted: true, at });
    } else if (c === '-' && startsClause(tokens)) {
      tokens.push({ t: '-', at });
      i++;
    } else {
      let text = '';
      let escaped = false;
      while (i < input.length) {
        const ch = input[i]!;
        if (ch === '\\' && i + 1 < input.length) {
          text += input[i + 1];
          escaped = true;
          i += 2;
          continue;
        }
        if (/\s/.test(ch) || DELIMITERS.has(ch)) break;
        if (UNSUPPORTED.has(ch)) {
          throw new QuerySyntaxError(`The character '${ch}' at position ${i} is not supported in a query.`);
        }
        text += ch;
        i++;
      }
      if (!escaped && (text === 'AND' || text === 'OR' || text === 'NOT' || text === 'TO'))
        tokens.push({ t: text, at });
      else if (!escaped && text === '&&') tokens.push({ t: 'AND', at });
      else if (!escaped && text === '||') tokens.push({ t: 'OR', at });
      else tokens.push({ t: 'word', text, quoted: false, at });
    }
  }
  return tokens;
}

/** A `-` is an exclusion where a clause may start, not where a value is expected (`attributes.x:-5`). */
function startsClause(tokens: Token[]): boolean {
  const prev = tokens[tokens.length - 1];
  return !prev || !(prev.t === ':' || prev.t === 'cmp' || prev.t === 'TO' || prev.t === '[' || prev.t === '{');
}

function patternOf(word: { text: string; quoted: boolean }): ValuePattern {
  if (!word.quoted && /[*?]/.test(word.text)) return { kind: 'wildcard', text: word.text };
  return { kind: 'exact', text: word.text };
}

/** Parses a fleet indexing query; a malformed one throws QuerySyntaxError with what is wrong and where. */
export function parseQuery(input: string): QueryNode {
  if (!input.trim()) throw new QuerySyntaxError('The query string is empty.');
  const tokens = tokenize(input);
  let pos = 0;
  let terms = 0;
  let leadingWildcards = 0;

  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const describe = (tok: Token | undefined) =>
    !tok ? 'the end of the query' : tok.t === 'word' ? `'${tok.text}'` : tok.t === 'cmp' ? `'${tok.op}'` : `'${tok.t}'`;
  const expect = (t: Token['t']) => {
    const tok = next();
    if (tok?.t !== t) throw new QuerySyntaxError(`Expected '${t}' but found ${describe(tok)}.`);
    return tok;
  };
  const word = () => {
    const tok = next();
    if (tok?.t !== 'word') throw new QuerySyntaxError(`Expected a value but found ${describe(tok)}.`);
    return tok;
  };
  const countTerm = (value?: ValuePattern) => {
    terms++;
    if (value?.kind === 'wildcard' && /^[*?]/.test(value.text) && value.text !== '*') leadingWildcards++;
  };

  let depth = 0;
  function orExpr(inField?: string): QueryNode {
    if (++depth > MAX_NESTING) throw new QuerySyntaxError(`Parentheses nest more than ${MAX_NESTING} deep.`);
    const items = [andExpr(inField)];
    while (peek()?.t === 'OR') {
      next();
      items.push(andExpr(inField));
    }
    depth--;
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  function andExpr(inField?: string): QueryNode {
    const items = [notExpr(inField)];
    for (;;) {
      const tok = peek();
      if (!tok || tok.t === ')' || tok.t === 'OR') break;
      if (tok.t === 'AND') next();
      items.push(notExpr(inField));
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  function notExpr(inField?: string): QueryNode {
    let negations = 0;
    while (peek()?.t === 'NOT' || peek()?.t === '-') {
      next();
      negations++;
    }
    const item = primary(inField);
    // NOT NOT a is a: only the parity of a chain of negations matters (and no chain deepens the recursion).
    return negations % 2 ? { kind: 'not', item } : item;
  }

  function primary(inField?: string): QueryNode {
    const tok = next();
    if (!tok) throw new QuerySyntaxError('The query ends where a term was expected.');
    if (tok.t === '(') {
      const inner = orExpr(inField);
      expect(')');
      return inner;
    }
    if (tok.t !== 'word') throw new QuerySyntaxError(`Unexpected ${describe(tok)} at position ${tok.at}.`);
    const after = peek();
    if (!inField && !tok.quoted && after?.t === ':') {
      next();
      return fieldValue(tok.text);
    }
    if (!inField && !tok.quoted && after?.t === 'cmp') {
      next();
      return comparison(tok.text, after.op);
    }
    const value = patternOf(tok);
    countTerm(value);
    if (!inField && !tok.quoted && tok.text === '*') return { kind: 'all' };
    if (inField && !tok.quoted && tok.text === '*') return { kind: 'exists', field: inField };
    return inField ? { kind: 'term', field: inField, value } : { kind: 'term', value };
  }

  function comparison(field: string, op: '<' | '<=' | '>' | '>='): QueryNode {
    const value = word().text;
    countTerm();
    const bound = { value, inclusive: op.length === 2 };
    return op[0] === '<' ? { kind: 'range', field, upper: bound } : { kind: 'range', field, lower: bound };
  }

  function fieldValue(field: string): QueryNode {
    if (!field) throw new QuerySyntaxError('A field name is missing before ":".');
    const tok = peek();
    if (!tok) throw new QuerySyntaxError(`The field ${field} has no value.`);
    if (tok.t === '(') {
      next();
      const inner = orExpr(field);
      expect(')');
      return inner;
    }
    if (tok.t === '[' || tok.t === '{') {
      next();
      const lower = word();
      expect('TO');
      const upper = word();
      const close = next();
      if (close?.t !== ']' && close?.t !== '}') {
        throw new QuerySyntaxError(`Expected ']' or '}' to close the range on ${field} but found ${describe(close)}.`);
      }
      countTerm();
      return {
        kind: 'range',
        field,
        ...(lower.text === '*' ? {} : { lower: { value: lower.text, inclusive: tok.t === '[' } }),
        ...(upper.text === '*' ? {} : { upper: { value: upper.text, inclusive: close.t === ']' } }),
      };
    }
    if (tok.t === 'cmp') {
      next();
      return comparison(field, tok.op);
    }
    const value = word();
    const pattern = patternOf(value);
    countTerm(pattern);
    if (!value.quoted && value.text === '*') return { kind: 'exists', field };
    return { kind: 'term', field, value: pattern };
  }

  const tree = orExpr();
  if (pos < tokens.length) throw new QuerySyntaxError(`Unexpected ${describe(peek())} at position ${peek()!.at}.`);
  if (terms > MAX_QUERY_TERMS) {
    throw new QuerySyntaxError(`The query has ${terms} terms; at most ${MAX_QUERY_TERMS} are allowed.`);
  }
  if (leadingWildcards > 1) {
    throw new QuerySyntaxError('A leading wildcard is allowed in one query term only.');
  }
  if (leadingWildcards === 1 && input.length > MAX_LEADING_WILDCARD_QUERY_LENGTH) {
    throw new QuerySyntaxError(
      `A query with a leading wildcard is at most ${MAX_LEADING_WILDCARD_QUERY_LENGTH} characters long.`,
    );
  }
  return tree;
}

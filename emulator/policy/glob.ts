import type { AuthContext, TemplatePart, VariableGetter } from './variables';

/**
 * Wildcard matching for policy actions, resources and StringLike values: `*` matches any run of characters
 * (across `/`) and `?` exactly one; MQTT's `+` and `#` are literal. Part of the pure policy evaluator.
 */

/** A glob token: literal text, STAR (`*`, any run of characters) or ONE (`?`, exactly one character). */
export type GlobToken = string | typeof STAR | typeof ONE;
const STAR = 0;
const ONE = 1;

/**
 * A template as glob tokens: `*` and `?` in text parts are wildcards; literal parts (escapes) and substituted values
 * are literal. Without variables the tokens themselves; with variables, a function that substitutes them (undefined
 * when one cannot be resolved), the text already split into tokens once.
 */
export function compileGlob(
  parts: readonly TemplatePart[],
): GlobToken[] | ((ctx: AuthContext) => GlobToken[] | undefined) {
  const tokens: (GlobToken | VariableGetter)[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push(text);
    text = '';
  };
  for (const p of parts) {
    if (p.kind === 'literal') text += p.value;
    else if (p.kind === 'var') {
      flush();
      tokens.push(p.get);
    } else {
      for (const ch of p.value) {
        if (ch === '*') {
          flush();
          if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
        } else if (ch === '?') {
          flush();
          tokens.push(ONE);
        } else text += ch;
      }
    }
  }
  flush();
  if (!tokens.some((t) => typeof t === 'function')) return tokens as GlobToken[];
  return (ctx) => {
    const out: GlobToken[] = [];
    for (const t of tokens) {
      if (typeof t !== 'function') out.push(t);
      else {
        const value = t(ctx);
        if (value === undefined) return undefined;
        out.push(value); // a substituted value is literal text, never a wildcard
      }
    }
    return out;
  };
}

/** A matcher with fast paths for `*` alone and for text without wildcards. */
export function globMatcher(tokens: GlobToken[]): (s: string) => boolean {
  if (tokens.length === 1 && tokens[0] === STAR) return () => true;
  if (tokens.length === 0) return (s) => s === '';
  if (tokens.length === 1 && typeof tokens[0] === 'string') {
    const literal = tokens[0];
    return (s) => s === literal;
  }
  return (s) => matchGlob(tokens, s);
}

/** Length of the character (code point) at `i`, so that `?` matches one character, not half a surrogate pair. */
function charLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

/**
 * Wildcard matching with backtracking to the last `*` only: linear in practice, O(n*m) at worst, no regular
 * expressions (so a resource can never be read as one).
 */
export function matchGlob(tokens: readonly GlobToken[], s: string): boolean {
  let t = 0;
  let i = 0;
  let starToken = -1;
  let starAt = 0;
  while (t < tokens.length || i < s.length) {
    if (t < tokens.length) {
      const token = tokens[t] as GlobToken;
      if (token === STAR) {
        starToken = t++;
        starAt = i;
        continue;
      }
      if (token === ONE) {
        if (i < s.length) {
          i += charLength(s, i);
          t++;
          continue;
        }
      } else if (s.startsWith(token, i)) {
        i += token.length;
        t++;
        continue;
      }
    }
    if (starToken < 0 || starAt >= s.length) return false;
    starAt += charLength(s, starAt);
    i = starAt;
    t = starToken + 1;
  }
  return true;
}

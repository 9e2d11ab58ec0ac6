/**
 * A line diff between two texts (two versions of a policy document), pure so the detail page can render
 * it on the server and the unit tests can pin it down. Policy documents are small (2,048 characters
 * without white space, a few hundred lines pretty-printed), so the classic longest-common-subsequence
 * table is plenty: O(n·m) time and memory on inputs that are at most a few hundred lines each.
 */

export type DiffKind = 'same' | 'added' | 'removed';

export interface DiffLine {
  kind: DiffKind;
  text: string;
  /** 1-based line number in the old text (absent for added lines). */
  oldLine?: number;
  /** 1-based line number in the new text (absent for removed lines). */
  newLine?: number;
}

export interface DiffSummary {
  added: number;
  removed: number;
  unchanged: number;
}

/** Lines of a text; a trailing newline does not make an extra empty line, and CRLF counts as one break. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The line diff that turns `before` into `after`: removed lines come before the added lines that replace them. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);

  // Trim the common head and tail first: versions usually differ in a few lines only.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;

  // lcs[i][j] = length of the longest common subsequence of midA[i..] and midB[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }

  const out: DiffLine[] = [];
  let oldNo = 0;
  let newNo = 0;
  const same = (text: string) => out.push({ kind: 'same', text, oldLine: ++oldNo, newLine: ++newNo });
  const removed = (text: string) => out.push({ kind: 'removed', text, oldLine: ++oldNo });
  const added = (text: string) => out.push({ kind: 'added', text, newLine: ++newNo });

  for (let k = 0; k < head; k++) same(a[k]!);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      same(midA[i]!);
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      removed(midA[i]!);
      i++;
    } else {
      added(midB[j]!);
      j++;
    }
  }
  for (let k = a.length - tail; k < a.length; k++) same(a[k]!);
  return out;
}

export function summarizeDiff(lines: readonly DiffLine[]): DiffSummary {
  const summary: DiffSummary = { added: 0, removed: 0, unchanged: 0 };
  for (const line of lines) {
    if (line.kind === 'added') summary.added++;
    else if (line.kind === 'removed') summary.removed++;
    else summary.unchanged++;
  }
  return summary;
}

/**
 * A policy document pretty-printed with two-space indentation, so that two versions written with
 * different white space diff by content. A text that is not JSON (it cannot be, once AWS stored it,
 * but a hand-edited emulator store could hold one) is returned unchanged.
 */
export function prettyPolicyDocument(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

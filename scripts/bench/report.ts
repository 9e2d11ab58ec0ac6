import fs from 'node:fs';
import path from 'node:path';

/**
 * Benchmark figures and the side-by-side report: every run prints its figures next to the stored
 * baseline (bench/baseline.json) so a regression shows in the same table. `--save-baseline` stores
 * this run's figures as the new baseline.
 */
export interface Figure {
  /** Stable key, e.g. `emulator.CreateThing.p50_ms`. */
  key: string;
  label: string;
  value: number;
  unit: string;
  /** Whether a larger value is better (rates) or worse (latencies). */
  better: 'higher' | 'lower';
  /** A goal the issue sets, shown with a pass/miss mark. */
  goal?: number;
}

export const BASELINE_FILE = path.resolve(import.meta.dirname, '../../bench/baseline.json');

export function loadBaseline(): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

export function saveBaseline(figures: Figure[]) {
  const merged = { ...loadBaseline(), ...Object.fromEntries(figures.map((f) => [f.key, round(f.value)])) };
  fs.mkdirSync(path.dirname(BASELINE_FILE), { recursive: true });
  fs.writeFileSync(BASELINE_FILE, JSON.stringify(merged, null, 2) + '\n');
}

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100);

export function printReport(title: string, figures: Figure[], baseline: Record<string, number>) {
  const rows = figures.map((f) => {
    const base = baseline[f.key];
    const change = base ? ((f.value - base) / base) * 100 : undefined;
    const goal =
      f.goal === undefined
        ? ''
        : (f.better === 'higher' ? f.value >= f.goal : f.value <= f.goal)
          ? `met (${f.goal})`
          : `MISSED (${f.goal})`;
    return [
      f.label,
      base === undefined ? '-' : `${round(base)} ${f.unit}`,
      `${round(f.value)} ${f.unit}`,
      change === undefined ? '-' : `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`,
      goal,
    ];
  });
  const header = ['figure', 'baseline', 'this run', 'change', 'goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n== ${title} ==`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

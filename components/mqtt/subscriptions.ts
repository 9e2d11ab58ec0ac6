/** The tab's subscriptions as the page shows them: a filter, its QoS, a colour and a pause switch. */
export interface PageSubscription {
  filter: string;
  qos: 0 | 1;
  colour: string;
  paused: boolean;
}

export const COLOURS: readonly { name: string; value: string }[] = [
  { name: 'Blue', value: '#0284c7' },
  { name: 'Green', value: '#059669' },
  { name: 'Amber', value: '#d97706' },
  { name: 'Rose', value: '#e11d48' },
  { name: 'Violet', value: '#7c3aed' },
  { name: 'Teal', value: '#0d9488' },
  { name: 'Orange', value: '#ea580c' },
  { name: 'Slate', value: '#475569' },
];

/** The first colour no subscription uses yet (cycling when all are taken). */
export function nextColour(subs: readonly PageSubscription[]): string {
  const used = new Set(subs.map((s) => s.colour));
  return (COLOURS.find((c) => !used.has(c.value)) ?? COLOURS[subs.length % COLOURS.length]!).value;
}

export const colourName = (value: string) => COLOURS.find((c) => c.value === value)?.name ?? value;

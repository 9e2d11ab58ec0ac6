import Link from 'next/link';

import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { Thing } from '@/lib/aws/types';
import type { PresenceView } from '@/lib/fleet/presence-state';
import type { ThingRow } from '@/lib/things/listing';

import { PresenceBadge } from './presence-badge';

function Attributes({ attributes }: { attributes: Thing['attributes'] }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <ul className="flex flex-wrap gap-1.5">
      {entries.map(([key, value]) => (
        <li key={key} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
          {key}={value}
        </li>
      ))}
    </ul>
  );
}

/** `presence` undefined: the dashboard could not tell (tracking not running); the column is left out. */
export function ThingsTable({
  things,
  presence,
  now = Date.now(),
}: {
  things: readonly ThingRow[];
  presence?: Record<string, PresenceView>;
  now?: number;
}) {
  return (
    <Table aria-label="Things">
      <TableHead>
        <tr>
          <TableHeaderCell>Name</TableHeaderCell>
          {presence ? <TableHeaderCell>Connection</TableHeaderCell> : null}
          <TableHeaderCell>Type</TableHeaderCell>
          <TableHeaderCell>Attributes</TableHeaderCell>
          <TableHeaderCell className="text-right">Version</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {things.map((thing) => (
          <TableRow key={thing.name}>
            <TableCell className="font-medium">
              <Link
                href={`/things/${encodeURIComponent(thing.name)}`}
                title={thing.arn}
                className="text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                {thing.name}
              </Link>
            </TableCell>
            {presence ? (
              <TableCell>
                <PresenceBadge view={presence[thing.name]} now={now} />
              </TableCell>
            ) : null}
            <TableCell>{thing.typeName ?? <span className="text-slate-400">—</span>}</TableCell>
            <TableCell>
              <Attributes attributes={thing.attributes} />
            </TableCell>
            <TableCell className="text-right tabular-nums">
              {thing.version ?? <span className="text-slate-400">—</span>}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

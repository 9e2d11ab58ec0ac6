import Link from 'next/link';

import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { PolicyOverview } from '@/lib/aws/policies';

import { formatDate, policyHref } from './format';

const dash = <span className="text-slate-400">—</span>;

export function PoliciesTable({ policies }: { policies: readonly PolicyOverview[] }) {
  return (
    <Table aria-label="Policies">
      <TableHead>
        <tr>
          <TableHeaderCell>Name</TableHeaderCell>
          <TableHeaderCell>Default version</TableHeaderCell>
          <TableHeaderCell className="text-right">Targets</TableHeaderCell>
          <TableHeaderCell>Created</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {policies.map((p) => (
          <TableRow key={p.name}>
            <TableCell className="font-medium">
              <Link href={policyHref(p.name)} className="text-indigo-700 hover:underline" title={p.arn}>
                {p.name}
              </Link>
            </TableCell>
            <TableCell className="tabular-nums">{p.defaultVersionId ? `v${p.defaultVersionId}` : dash}</TableCell>
            <TableCell className="text-right tabular-nums">
              {p.targetCount === undefined ? dash : `${p.targetCount}${p.targetCountIsLowerBound ? '+' : ''}`}
            </TableCell>
            <TableCell className="whitespace-nowrap text-slate-600">{formatDate(p.createdAt)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

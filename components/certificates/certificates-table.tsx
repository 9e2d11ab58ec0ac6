import Link from 'next/link';

import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { CertificateRow } from '@/lib/aws/certificates';

import { CertificateIdCell } from './certificate-id';
import { formatDate, formatDateTime } from './format';
import { IssuerLabel } from './issuer-label';
import { CertificateStatusBadge } from './status-badge';

function Expiry({ notAfter, now }: { notAfter: Date | undefined; now: number }) {
  if (!notAfter) return <span className="text-slate-400">—</span>;
  const days = Math.floor((notAfter.getTime() - now) / 86_400_000);
  if (days < 0) return <span className="font-medium text-red-700">{formatDate(notAfter)} (expired)</span>;
  if (days < 30)
    return (
      <span className="font-medium text-amber-700">
        {formatDate(notAfter)} ({days} days left)
      </span>
    );
  return <span>{formatDate(notAfter)}</span>;
}

function Things({ things }: { things: string[] | undefined }) {
  if (things === undefined) return <span className="text-slate-400">Could not load</span>;
  if (things.length === 0) return <span className="text-slate-400">None</span>;
  return (
    <ul className="flex flex-wrap gap-1.5">
      {things.map((name) => (
        <li key={name}>
          <Link
            href={`/things/${encodeURIComponent(name)}`}
            className="font-mono text-xs text-indigo-700 hover:underline"
          >
            {name}
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function CertificatesTable({ rows, now }: { rows: readonly CertificateRow[]; now: number }) {
  return (
    <Table aria-label="Certificates">
      <TableHead>
        <tr>
          <TableHeaderCell>Certificate</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell>CA</TableHeaderCell>
          <TableHeaderCell>Created</TableHeaderCell>
          <TableHeaderCell>Expires</TableHeaderCell>
          <TableHeaderCell>Things</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.id} data-certificate-id={row.id}>
            <TableCell>
              <CertificateIdCell id={row.id} />
            </TableCell>
            <TableCell>
              <CertificateStatusBadge status={row.status} />
            </TableCell>
            <TableCell>
              <IssuerLabel kind={row.issuer} caCertificateId={row.caCertificateId} />
            </TableCell>
            <TableCell className="whitespace-nowrap tabular-nums">{formatDateTime(row.createdAt)}</TableCell>
            <TableCell className="whitespace-nowrap tabular-nums">
              <Expiry notAfter={row.notAfter} now={now} />
            </TableCell>
            <TableCell>
              <Things things={row.things} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

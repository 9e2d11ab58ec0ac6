import Link from 'next/link';

import { ButtonLink } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { ThingPrincipal } from '@/lib/aws/things';

const STATUS_TONE: Record<string, string> = {
  ACTIVE: 'bg-emerald-100 text-emerald-800',
  INACTIVE: 'bg-slate-200 text-slate-700',
  REVOKED: 'bg-red-100 text-red-800',
};

const link = 'text-indigo-700 hover:underline';

/** The principals attached to a thing: each certificate with its status and attached policies. */
export function ThingCertificates({ principals }: { principals: ThingPrincipal[] }) {
  if (principals.length === 0) {
    return (
      <div className="space-y-3 text-sm text-slate-600">
        <p>No certificate is attached, so no device can connect as this thing yet.</p>
        <ButtonLink href="/onboard">Onboard a device</ButtonLink>
      </div>
    );
  }
  return (
    <Table aria-label="Attached certificates">
      <TableHead>
        <tr>
          <TableHeaderCell>Certificate</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell>Policies</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {principals.map((p) => (
          <TableRow key={p.arn}>
            <TableCell className="font-mono text-xs">
              {p.certificateId ? (
                <Link href={`/certificates/${p.certificateId}`} className={link} title={p.arn}>
                  {p.certificateId.slice(0, 16)}…
                </Link>
              ) : (
                <span title="Not an X.509 certificate">{p.arn}</span>
              )}
            </TableCell>
            <TableCell>
              {p.status ? (
                <span
                  className={cn(
                    'rounded px-1.5 py-0.5 text-xs font-medium',
                    STATUS_TONE[p.status] ?? 'bg-amber-100 text-amber-900',
                  )}
                >
                  {p.status}
                </span>
              ) : p.problem ? (
                <span className="text-xs text-red-700">{p.problem}</span>
              ) : (
                <span className="text-slate-400">—</span>
              )}
            </TableCell>
            <TableCell>
              {p.policies.length ? (
                <ul className="flex flex-wrap gap-x-3 gap-y-1">
                  {p.policies.map((name) => (
                    <li key={name}>
                      <Link href={`/policies/${encodeURIComponent(name)}`} className={link}>
                        {name}
                      </Link>
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="text-slate-400">{p.certificateId ? 'None attached' : '—'}</span>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

import Link from 'next/link';

import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { PolicyVersion } from '@/lib/aws/policies';

import { formatDate, policyHref } from './format';
import { VersionActions } from './version-actions';

export function PolicyVersions({
  policy,
  versions,
  shown,
  editable = true,
}: {
  policy: string;
  versions: readonly PolicyVersion[];
  shown?: string;
  /** False for a role that may not change policies: the actions say which role may. */
  editable?: boolean;
}) {
  return (
    <Table aria-label="Versions">
      <TableHead>
        <tr>
          <TableHeaderCell>Version</TableHeaderCell>
          <TableHeaderCell>Default</TableHeaderCell>
          <TableHeaderCell>Created</TableHeaderCell>
          <TableHeaderCell className="text-right">Actions</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {versions.map((v) => (
          <TableRow key={v.id}>
            <TableCell className="font-medium tabular-nums">
              <Link
                href={policyHref(policy, { version: v.id })}
                className="text-indigo-700 hover:underline"
                aria-current={shown === v.id ? 'true' : undefined}
              >
                v{v.id}
              </Link>
            </TableCell>
            <TableCell>
              {v.isDefault ? (
                <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-semibold text-emerald-900">
                  Default
                </span>
              ) : (
                <span className="text-slate-400">—</span>
              )}
            </TableCell>
            <TableCell className="whitespace-nowrap text-slate-600">{formatDate(v.createdAt)}</TableCell>
            <TableCell className="text-right">
              {editable ? (
                <VersionActions policy={policy} versionId={v.id} isDefault={v.isDefault} />
              ) : (
                <span className="text-xs text-slate-500">Needs admin</span>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

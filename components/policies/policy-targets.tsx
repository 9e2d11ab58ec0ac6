import Link from 'next/link';

import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { describeTarget } from '@/lib/policies/targets';

import { DetachTargetButton } from './detach-target-button';

/** Where the policy is attached: certificates link to their page; thing groups and others show their id. */
export function PolicyTargets({
  policy,
  targets,
  truncated,
  editable = true,
}: {
  policy: string;
  targets: readonly string[];
  truncated: boolean;
  /** False for a role that may not detach policies: the actions say which role may. */
  editable?: boolean;
}) {
  if (targets.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-600">
        Not attached to anything yet: no device gets these permissions. Attach it to a device&apos;s certificate below.
      </p>
    );
  }
  return (
    <>
      <Table aria-label="Targets">
        <TableHead>
          <tr>
            <TableHeaderCell>Kind</TableHeaderCell>
            <TableHeaderCell>Target</TableHeaderCell>
            <TableHeaderCell className="text-right">Actions</TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {targets.map((arn) => {
            const t = describeTarget(arn);
            const label =
              t.kind === 'certificate'
                ? `certificate ${t.certificateId.slice(0, 12)}`
                : t.kind === 'thingGroup'
                  ? `thing group ${t.groupName}`
                  : arn;
            return (
              <TableRow key={arn}>
                <TableCell className="whitespace-nowrap">
                  {t.kind === 'certificate' ? 'Certificate' : t.kind === 'thingGroup' ? 'Thing group' : 'Other'}
                </TableCell>
                <TableCell className="font-mono text-xs break-all">
                  {t.kind === 'certificate' ? (
                    <Link
                      href={`/certificates/${t.certificateId}`}
                      className="text-indigo-700 hover:underline"
                      title={arn}
                    >
                      {t.certificateId}
                    </Link>
                  ) : t.kind === 'thingGroup' ? (
                    <span title={arn}>{t.groupName}</span>
                  ) : (
                    arn
                  )}
                </TableCell>
                <TableCell className="text-right">
                  {editable ? (
                    <DetachTargetButton policy={policy} target={arn} label={label} />
                  ) : (
                    <span className="text-xs text-slate-500">Needs admin</span>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {truncated ? <p className="mt-2 text-xs text-slate-500">Showing the first {targets.length} targets.</p> : null}
    </>
  );
}

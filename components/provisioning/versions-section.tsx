import { CompareVersionsForm, VersionDiff } from '@/components/policies/version-diff';
import { formatDate } from '@/components/policies/format';
import { Alert } from '@/components/ui/alert';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import {
  describeProvisioningTemplateVersion,
  MAX_PROVISIONING_TEMPLATE_VERSIONS,
  type ProvisioningTemplateVersion,
} from '@/lib/aws/provisioning';
import { toAppError } from '@/lib/aws/errors';

import { NewTemplateVersionForm, TemplateVersionActions } from './template-versions';

const VERSION_ID = /^[0-9]{1,10}$/;

/** A template's versions: the list with set-default and delete, a diff between two (?from=&to=), a new one. */
export async function VersionsSection({
  name,
  body,
  versions,
  from,
  to,
}: {
  name: string;
  body: string;
  versions: ProvisioningTemplateVersion[];
  from: string | undefined;
  to: string | undefined;
}) {
  const asPolicyVersions = versions.map((v) => ({
    id: String(v.versionId),
    isDefault: v.isDefault,
    createdAt: v.createdAt,
  }));
  let diff: { from: { id: string; document: string }; to: { id: string; document: string } } | undefined;
  let diffError: string | undefined;
  if (from && to) {
    if (!VERSION_ID.test(from) || !VERSION_ID.test(to)) diffError = 'Choose two versions to compare.';
    else {
      try {
        const [a, b] = await Promise.all([
          describeProvisioningTemplateVersion(name, Number(from)),
          describeProvisioningTemplateVersion(name, Number(to)),
        ]);
        diff = { from: { id: from, document: a.body }, to: { id: to, document: b.body } };
      } catch (err) {
        diffError = toAppError(err).message;
      }
    }
  }
  return (
    <div className="space-y-4">
      <Table aria-label="Template versions">
        <TableHead>
          <tr>
            <TableHeaderCell>Version</TableHeaderCell>
            <TableHeaderCell>Created</TableHeaderCell>
            <TableHeaderCell className="text-right">Actions</TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {versions.map((v) => (
            <TableRow key={v.versionId}>
              <TableCell className="tabular-nums">
                v{v.versionId}
                {v.isDefault ? ' (default)' : ''}
              </TableCell>
              <TableCell className="text-slate-600">{formatDate(v.createdAt)}</TableCell>
              <TableCell className="text-right">
                {v.isDefault ? (
                  <span className="text-xs text-slate-500">Default (cannot be deleted)</span>
                ) : (
                  <TemplateVersionActions name={name} versionId={v.versionId} />
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {versions.length > 1 ? <CompareVersionsForm versions={asPolicyVersions} from={from} to={to} /> : null}
      {diffError ? <Alert title="Could not compare">{diffError}</Alert> : null}
      {diff ? <VersionDiff from={diff.from} to={diff.to} /> : null}
      {versions.length >= MAX_PROVISIONING_TEMPLATE_VERSIONS ? (
        <p className="text-sm text-amber-800">
          This template has {MAX_PROVISIONING_TEMPLATE_VERSIONS} versions, the most AWS IoT keeps: delete one that is
          not the default before creating another.
        </p>
      ) : (
        <details className="rounded-md border border-slate-200 px-4 py-3">
          <summary className="cursor-pointer text-sm font-medium">New version</summary>
          <div className="mt-3">
            <NewTemplateVersionForm name={name} body={body} />
          </div>
        </details>
      )}
    </div>
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

import { AttachCertificateForm } from '@/components/policies/attach-certificate-form';
import { DeletePolicyForm } from '@/components/policies/delete-policy-form';
import { formatDate, policyHref } from '@/components/policies/format';
import { NewVersionForm } from '@/components/policies/new-version-form';
import { PolicyTargets } from '@/components/policies/policy-targets';
import { PolicyVersions } from '@/components/policies/policy-versions';
import { CompareVersionsForm, VersionDiff } from '@/components/policies/version-diff';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { LoadFailure } from '@/components/ui/load-failure';
import { PageHeader } from '@/components/ui/page-header';
import { PageSection } from '@/components/ui/page-section';
import { RoleGate } from '@/components/console/role-gate';
import { may, requireRole } from '@/lib/auth/guard';
import { AppError, toAppError } from '@/lib/aws/errors';
import {
  getPolicy,
  getPolicyVersion,
  listPolicyTargets,
  listPolicyVersions,
  MAX_POLICY_VERSIONS,
  type Policy,
  type PolicyVersion,
  type PolicyVersionDocument,
} from '@/lib/aws/policies';
import { prettyPolicyDocument } from '@/lib/policies/diff';
import { policyName } from '@/lib/validation/iot-names';
import { decodeParam, firstParam, type SearchParams } from '@/lib/forms/search-params';

export const dynamic = 'force-dynamic';

type Params = { name: string };
const VERSION_ID = /^[0-9]{1,10}$/;

export async function generateMetadata(props: { params: Promise<Params> }): Promise<Metadata> {
  const { name } = await props.params;
  return { title: `Policy ${decodeParam(name)}` };
}

export default async function PolicyPage(props: { params: Promise<Params>; searchParams: Promise<SearchParams> }) {
  const { name: rawName } = await props.params;
  const operator = await requireRole('viewer');
  const name = decodeParam(rawName);
  if (!policyName.safeParse(name).success) notFound();
  const searchParams = await props.searchParams;

  let policy: Policy;
  let versions: PolicyVersion[];
  // The targets only add to the page: a role that may not list them (ListTargetsForPolicy) still sees the policy.
  let targets: { targets: string[]; truncated: boolean } | AppError;
  try {
    [policy, versions, targets] = await Promise.all([
      getPolicy(name),
      listPolicyVersions(name),
      listPolicyTargets(name).catch((err: unknown) => toAppError(err)),
    ]);
  } catch (err) {
    const e = toAppError(err);
    if (e.code === 'not_found') notFound();
    return (
      <>
        <PageHeader title={name} actions={<ButtonLink href="/policies">Back to policies</ButtonLink>} />
        <LoadFailure error={e} what="the policy" retryHref={policyHref(name)} />
      </>
    );
  }

  // Which document to show: the default, or a version picked in the table (?version=N).
  const requested = firstParam(searchParams.version);
  const shownId =
    requested && VERSION_ID.test(requested) && versions.some((v) => v.id === requested)
      ? requested
      : policy.defaultVersionId;
  let shown: { id: string; document: string } = { id: policy.defaultVersionId, document: policy.document };
  let shownError: string | undefined;
  if (shownId !== policy.defaultVersionId) {
    try {
      shown = await getPolicyVersion(name, shownId);
    } catch (err) {
      shownError = toAppError(err).message;
    }
  }

  // The diff between two versions (?from=N&to=M).
  const from = firstParam(searchParams.from);
  const to = firstParam(searchParams.to);
  let diff: { from: PolicyVersionDocument; to: PolicyVersionDocument } | undefined;
  let diffError: string | undefined;
  if (from && to) {
    if (!VERSION_ID.test(from) || !VERSION_ID.test(to)) diffError = 'Choose two versions to compare.';
    else {
      try {
        const [a, b] = await Promise.all([getPolicyVersion(name, from), getPolicyVersion(name, to)]);
        diff = { from: a, to: b };
      } catch (err) {
        diffError = err instanceof AppError ? err.message : toAppError(err).message;
      }
    }
  }

  const pretty = prettyPolicyDocument(shown.document);
  const extraVersions = versions
    .filter((v) => !v.isDefault)
    .map((v) => v.id)
    .sort((a, b) => Number(a) - Number(b));

  return (
    <>
      <PageHeader
        title={name}
        description={
          <>
            Default version v{policy.defaultVersionId} · created {formatDate(policy.createdAt)}
            {policy.arn ? (
              <>
                {' '}
                · <span className="font-mono text-xs">{policy.arn}</span>
              </>
            ) : null}
          </>
        }
        actions={<ButtonLink href="/policies">Back to policies</ButtonLink>}
      />
      {firstParam(searchParams.created) ? (
        <div className="mb-6">
          <Alert tone="info" title={`Policy "${name}" was created.`}>
            Attach it to a certificate below so devices using that certificate get these permissions.
          </Alert>
        </div>
      ) : null}

      <div className="space-y-10">
        <PageSection
          id="document-heading"
          title={shownId === policy.defaultVersionId ? 'Default document' : `Document of version ${shownId}`}
          description={
            shownId === policy.defaultVersionId
              ? `Version ${policy.defaultVersionId}, the one AWS IoT enforces.`
              : 'Not the default: AWS IoT does not enforce this version.'
          }
        >
          {shownError ? (
            <Alert title="Could not load that version">{shownError}</Alert>
          ) : (
            <div className="relative">
              <div className="absolute top-2 right-2">
                <CopyButton text={pretty} label="Copy document" />
              </div>
              <pre
                role="figure"
                aria-label={`Policy document v${shown.id}`}
                className="max-h-[32rem] overflow-auto rounded-lg border border-slate-200 bg-slate-50 p-4 font-mono text-xs text-slate-800"
              >
                {pretty}
              </pre>
            </div>
          )}
        </PageSection>

        <PageSection
          id="versions-heading"
          title="Versions"
          description={`${versions.length} of ${MAX_POLICY_VERSIONS} versions AWS IoT keeps. The default version cannot be deleted; make another the default first.`}
        >
          <PolicyVersions policy={name} versions={versions} shown={shownId} editable={may(operator, 'admin')} />
          {versions.length > 1 ? (
            <div className="space-y-4 pt-2">
              <CompareVersionsForm versions={versions} from={from} to={to} />
              {diffError ? <Alert title="Could not compare">{diffError}</Alert> : null}
              {diff ? <VersionDiff from={diff.from} to={diff.to} /> : null}
            </div>
          ) : null}
        </PageSection>

        <PageSection id="new-version-heading" title="New version">
          <RoleGate role={operator.role} need="admin" what="Making a new version">
            <NewVersionForm
              policy={name}
              initialDocument={prettyPolicyDocument(policy.document)}
              versionCount={versions.length}
              maxVersions={MAX_POLICY_VERSIONS}
            />
          </RoleGate>
        </PageSection>

        <PageSection
          id="targets-heading"
          title="Targets"
          description="The certificates (and thing groups) this policy is attached to. Every device using one of them gets these permissions."
        >
          {targets instanceof AppError ? (
            <Alert tone="warning" title="The targets could not be read">
              {targets.message}
            </Alert>
          ) : (
            <PolicyTargets
              policy={name}
              targets={targets.targets}
              truncated={targets.truncated}
              editable={may(operator, 'admin')}
            />
          )}
          <RoleGate role={operator.role} need="admin" what="Attaching the policy">
            <AttachCertificateForm policy={name} />
          </RoleGate>
        </PageSection>

        <PageSection id="delete-heading" title="Delete policy">
          <RoleGate role={operator.role} need="admin" what="Deleting a policy">
            {targets instanceof AppError ? (
              <p className="text-sm text-slate-600">
                Deleting needs the policy's targets (to detach it first), which could not be read.
              </p>
            ) : (
              <DeletePolicyForm policy={name} targetCount={targets.targets.length} extraVersions={extraVersions} />
            )}
          </RoleGate>
        </PageSection>
      </div>
    </>
  );
}

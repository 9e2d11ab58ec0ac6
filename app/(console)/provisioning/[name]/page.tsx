import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

import { ClaimCredentials } from '@/components/provisioning/claim-credentials';
import { ProvisionedDevices } from '@/components/provisioning/provisioned-devices';
import { PageSection } from '@/components/ui/page-section';
import { TemplateSettingsForm } from '@/components/provisioning/template-settings-form';
import { TrustedUserClaim } from '@/components/provisioning/trusted-user-claim';
import { VersionsSection } from '@/components/provisioning/versions-section';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/guard';
import { toAppError } from '@/lib/aws/errors';
import { describeProvisioningTemplate, listProvisioningTemplateVersions } from '@/lib/aws/provisioning';
import type { DeviceConnection } from '@/lib/bundle/connection';
import { decodeParam, firstParam, type SearchParams } from '@/lib/forms/search-params';
import { deviceConnection } from '@/lib/onboarding/root-ca';
import { claimPolicyState } from '@/lib/provisioning/claim-policy-setup';
import { provisionedDevices } from '@/lib/provisioning/provisioned';
import { templateDeviceParameters } from '@/lib/provisioning/template-check';
import { provisioningTemplateName } from '@/lib/validation/iot-names';

export const dynamic = 'force-dynamic';

type Params = { name: string };

export async function generateMetadata(props: { params: Promise<Params> }): Promise<Metadata> {
  const { name } = await props.params;
  return { title: `Provisioning template ${decodeParam(name)}` };
}

const pretty = (json: string) => {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
};

export default async function ProvisioningTemplatePage(props: {
  params: Promise<Params>;
  searchParams: Promise<SearchParams>;
}) {
  const { name: rawName } = await props.params;
  await requireRole('admin');
  const name = decodeParam(rawName);
  if (!provisioningTemplateName.safeParse(name).success) notFound();
  const searchParams = await props.searchParams;

  let loaded;
  try {
    loaded = await Promise.all([
      describeProvisioningTemplate(name),
      listProvisioningTemplateVersions(name),
      claimPolicyState(name),
      provisionedDevices(name),
    ]);
  } catch (err) {
    const e = toAppError(err);
    if (e.code === 'not_found') notFound();
    return (
      <>
        <PageHeader title={name} actions={<ButtonLink href="/provisioning">Back to templates</ButtonLink>} />
        <Alert title="Could not load the provisioning template">{e.message}</Alert>
      </>
    );
  }
  const [template, versions, claimPolicy, devices] = loaded;
  let connection: DeviceConnection | undefined;
  let connectionError: string | undefined;
  try {
    connection = await deviceConnection();
  } catch (err) {
    connectionError = toAppError(err).message;
  }
  const parameters = templateDeviceParameters(template.body);
  const fleet = template.type === 'FLEET_PROVISIONING';

  return (
    <div className="space-y-10">
      <PageHeader
        title={name}
        description={`${template.type} template, ${template.enabled ? 'enabled' : 'disabled'}, default version v${template.defaultVersionId}.${template.description ? ` ${template.description}` : ''}`}
        actions={<ButtonLink href="/provisioning">All templates</ButtonLink>}
      />
      {firstParam(searchParams.created) ? (
        <Alert tone="info" title={`Template ${name} created`}>
          Its claim policy {claimPolicy.name} is ready. Make a claim certificate below for your devices.
        </Alert>
      ) : null}
      {!template.enabled ? (
        <Alert tone="warning" title="This template is disabled">
          Devices asking it are refused until it is enabled again.
        </Alert>
      ) : null}

      {fleet ? (
        <PageSection
          title="Claim credentials"
          id="claim"
          description="A claim certificate for the factory: every unit carries it and exchanges it for its own certificate and thing."
        >
          {connection ? (
            <ClaimCredentials templateName={name} connection={connection} parameters={parameters} />
          ) : (
            <Alert title="Cannot write claim bundles">{connectionError}</Alert>
          )}
        </PageSection>
      ) : null}

      {fleet && connection ? (
        <PageSection
          title="Provisioning by trusted user"
          id="trusted-user"
          description="A claim good for five minutes, for an installer standing next to the device."
        >
          <TrustedUserClaim templateName={name} connection={connection} parameters={parameters} />
        </PageSection>
      ) : null}

      <PageSection title="Provisioned devices" id="provisioned">
        <ProvisionedDevices result={devices} />
      </PageSection>

      <PageSection
        title="Claim policy"
        id="claim-policy"
        description={
          claimPolicy.exists
            ? `${claimPolicy.name}: attached to every claim certificate made here. It allows connecting and this template's fleet provisioning topics only.`
            : `${claimPolicy.name} does not exist yet: it is created with the first claim certificate.`
        }
      >
        <pre className="overflow-x-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs">
          {pretty(claimPolicy.document)}
        </pre>
      </PageSection>

      <PageSection
        title="Template"
        id="default-body"
        description={`The default version (v${template.defaultVersionId}).`}
      >
        <pre className="max-h-96 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs">
          {pretty(template.body)}
        </pre>
      </PageSection>

      <PageSection title="Versions" id="versions">
        <VersionsSection
          name={name}
          body={pretty(template.body)}
          versions={versions}
          from={firstParam(searchParams.from)}
          to={firstParam(searchParams.to)}
        />
      </PageSection>

      <PageSection title="Settings" id="settings">
        <TemplateSettingsForm
          name={name}
          enabled={template.enabled}
          description={template.description ?? ''}
          hookArn={template.preProvisioningHook?.targetArn ?? ''}
        />
      </PageSection>
    </div>
  );
}

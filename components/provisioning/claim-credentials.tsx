'use client';

import { useState } from 'react';

import { createClaimCertificate, recordClaimBundleDownload } from '@/app/(console)/provisioning/[name]/claim-actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { RadioCards } from '@/components/ui/radio';
import type { DeviceConnection } from '@/lib/bundle/connection';
import { generateDeviceKeys } from '@/lib/pki/browser-keys';

import { downloadClaimBundle } from './claim-download';

type KeySource = 'browser' | 'aws';

const KEY_SOURCES: readonly { value: KeySource; label: string; hint: string }[] = [
  {
    value: 'browser',
    label: 'Key made in this browser',
    hint: 'AWS IoT signs a CSR; the private key goes only into your download.',
  },
  {
    value: 'aws',
    label: 'AWS-generated key',
    hint: 'CreateKeysAndCertificate: AWS makes the key and hands it out once.',
  },
];

/**
 * The factory's claim: a claim certificate with the template's claim policy attached, downloaded as a claim
 * bundle the devices (or `npm run device -- --claim`) provision themselves from.
 */
export function ClaimCredentials({
  templateName,
  connection,
  parameters,
}: {
  templateName: string;
  connection: DeviceConnection;
  parameters: string[];
}) {
  const [source, setSource] = useState<KeySource>('browser');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | undefined>();

  async function make() {
    setBusy(true);
    setOutcome(undefined);
    try {
      const keys = source === 'browser' ? await generateDeviceKeys(`${templateName}-claim`) : undefined;
      const answer = await createClaimCertificate(templateName, keys?.csrPem ?? null);
      if (!answer.ok) {
        setOutcome({ ok: false, message: answer.message });
        return;
      }
      const privateKeyPem = keys?.privateKeyPem ?? answer.privateKeyPem;
      if (!privateKeyPem) {
        setOutcome({ ok: false, message: 'AWS IoT answered without a private key; no bundle was written.' });
        return;
      }
      downloadClaimBundle(connection, {
        templateName,
        claimCertificatePem: answer.certificatePem,
        claimPrivateKeyPem: privateKeyPem,
        claimCertificateId: answer.certificateId,
        parameters,
      });
      await recordClaimBundleDownload(templateName, answer.certificateId);
      setOutcome({
        ok: true,
        message: `Claim certificate ${answer.certificateId.slice(0, 12)}… created with ${answer.policyName} attached; the claim bundle was downloaded.`,
      });
    } catch (err) {
      setOutcome({ ok: false, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-4">
      <RadioCards name="keySource" legend="Claim key" value={source} options={KEY_SOURCES} onChange={setSource} />
      <Button onClick={make} disabled={busy}>
        {busy ? 'Creating…' : 'Create claim certificate and download bundle'}
      </Button>
      {outcome ? (
        <div aria-live="polite">
          <Alert tone={outcome.ok ? 'info' : 'error'} title={outcome.ok ? 'Claim bundle ready' : 'No claim bundle'}>
            {outcome.message}
          </Alert>
        </div>
      ) : null}
    </div>
  );
}

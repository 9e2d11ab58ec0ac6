'use client';

import { useEffect, useState } from 'react';

import {
  createTrustedUserClaim,
  recordClaimBundleDownload,
  type TrustedUserClaimAnswer,
} from '@/app/(console)/provisioning/[name]/claim-actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { DeviceConnection } from '@/lib/bundle/connection';
import { claimCountdown, claimQrPayload } from '@/lib/provisioning/claim-qr';

import { downloadClaimBundle } from './claim-download';
import { QrCode } from './qr-code';

type Claim = Extract<TrustedUserClaimAnswer, { ok: true }>;

/**
 * Provisioning by trusted user: CreateProvisioningClaim gives a claim good for five minutes. The page counts
 * them down, offers the claim bundle, and shows a QR code an installer's app scans (lib/provisioning/claim-qr.ts
 * says what it holds and why). Once the time is up the claim is gone from the page as it is from AWS IoT.
 */
export function TrustedUserClaim({
  templateName,
  connection,
  parameters,
}: {
  templateName: string;
  connection: DeviceConnection;
  parameters: string[];
}) {
  const [claim, setClaim] = useState<Claim | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (!claim) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [claim]);

  async function ask() {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await createTrustedUserClaim(templateName);
      if (answer.ok) {
        setClaim(answer);
        setNow(Date.now());
      } else setError(answer.message);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  async function download(c: Claim) {
    downloadClaimBundle(connection, {
      templateName,
      claimCertificatePem: c.certificatePem,
      claimPrivateKeyPem: c.privateKeyPem,
      claimCertificateId: c.certificateId,
      expiresAt: new Date(c.expiresAt),
      parameters,
    });
    await recordClaimBundleDownload(templateName, c.certificateId);
  }

  const countdown = claim ? claimCountdown(claim.expiresAt, now) : undefined;
  return (
    <div className="space-y-4">
      <Button variant="secondary" onClick={ask} disabled={busy}>
        {busy ? 'Asking…' : claim ? 'New five-minute claim' : 'Create a five-minute claim'}
      </Button>
      {error ? <Alert title="No claim">{error}</Alert> : null}
      {claim && countdown ? (
        countdown.expired ? (
          <Alert tone="warning" title="This claim has expired">
            Its five minutes are over: AWS IoT refuses it now. Create a new one.
          </Alert>
        ) : (
          <div className="flex flex-wrap items-start gap-6">
            <QrCode
              label={`QR code for the ${templateName} claim`}
              text={claimQrPayload({
                endpoint: connection.endpoint,
                port: connection.port,
                templateName,
                certificateId: claim.certificateId,
                expiresAt: claim.expiresAt,
                bundleUrl: new URL(claim.handoffPath, window.location.origin).toString(),
              })}
            />
            <div className="space-y-3 text-sm">
              <p role="timer" aria-live="off" className="text-2xl font-semibold tabular-nums text-slate-900">
                <span className="sr-only">Time left: </span>
                {countdown.left}
              </p>
              <p className="text-slate-600">
                Claim {claim.certificateId.slice(0, 12)}… expires at {new Date(claim.expiresAt).toLocaleTimeString()}.
                The installer&apos;s app scans the code and downloads the claim once (it signs in as an admin); or
                download it here.
              </p>
              <Button onClick={() => download(claim)}>Download claim bundle</Button>
            </div>
          </div>
        )
      ) : null}
    </div>
  );
}

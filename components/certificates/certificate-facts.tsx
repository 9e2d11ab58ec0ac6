import type { ReactNode } from 'react';

import { CopyButton } from '@/components/ui/copy-button';
import type { CertificateDetails, IssuerKind } from '@/lib/aws/certificates';
import { describeKey, type CertificateInfo } from '@/lib/pki/inspect';

import { formatDateTime } from './format';
import { IssuerLabel } from './issuer-label';
import { CertificateStatusBadge } from './status-badge';

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 px-4 py-2.5 sm:grid-cols-[12rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{term}</dt>
      <dd className="min-w-0 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

function Validity({ info, now }: { info: Pick<CertificateInfo, 'notBefore' | 'notAfter'>; now: number }) {
  const expired = info.notAfter.getTime() < now;
  const early = info.notBefore.getTime() > now;
  return (
    <>
      {formatDateTime(info.notBefore)} to {formatDateTime(info.notAfter)}
      {expired ? <span className="ml-2 font-medium text-red-700">(expired)</span> : null}
      {early ? <span className="ml-2 font-medium text-amber-700">(not yet valid)</span> : null}
    </>
  );
}

/** What AWS IoT says about the certificate (status, CA, dates) and what its PEM says (names, key, fingerprints). */
export function CertificateFacts({
  cert,
  info,
  issuer,
  now,
}: {
  cert: CertificateDetails;
  info: CertificateInfo | undefined;
  issuer: IssuerKind;
  now: number;
}) {
  return (
    <dl
      aria-label="Certificate details"
      className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      <Fact term="Certificate ID">
        <span className="font-mono text-xs">{cert.id}</span> <CopyButton text={cert.id} label="Copy certificate ID" />
      </Fact>
      <Fact term="Status">
        <CertificateStatusBadge status={cert.status} />
      </Fact>
      <Fact term="CA">
        <IssuerLabel kind={issuer} caCertificateId={cert.caCertificateId} />
        {cert.caCertificateId ? (
          <div className="mt-1">
            <span className="font-mono text-xs text-slate-600">{cert.caCertificateId}</span>{' '}
            <CopyButton text={cert.caCertificateId} label="Copy CA ID" />
          </div>
        ) : null}
      </Fact>
      {info ? (
        <>
          <Fact term="Subject">{info.subject || '—'}</Fact>
          <Fact term="Issuer">
            {info.issuer || '—'}
            {info.selfSigned ? <span className="ml-2 text-slate-500">(self-signed)</span> : null}
          </Fact>
          <Fact term="Serial number">
            <span className="font-mono text-xs">{info.serialNumber}</span>
          </Fact>
          <Fact term="Validity">
            <Validity info={info} now={now} />
          </Fact>
          <Fact term="Key">
            <span data-testid="key-description">{describeKey(info)}</span>
            <span className="ml-2 text-slate-500">signed with {info.signatureAlgorithm}</span>
          </Fact>
          <Fact term="SHA-256 fingerprint">
            <span className="font-mono text-xs" data-testid="sha256-fingerprint">
              {info.sha256Fingerprint}
            </span>{' '}
            <CopyButton text={info.sha256Fingerprint} label="Copy fingerprint" />
          </Fact>
          <Fact term="SHA-1 fingerprint">
            <span className="font-mono text-xs">{info.sha1Fingerprint}</span>
          </Fact>
          {info.subjectAltNames.length > 0 ? (
            <Fact term="Subject alternative names">
              <span className="font-mono text-xs">{info.subjectAltNames.join(', ')}</span>
            </Fact>
          ) : null}
          {info.isCa ? <Fact term="Basic constraints">CA certificate (cA=TRUE)</Fact> : null}
        </>
      ) : (
        <Fact term="Validity">
          {formatDateTime(cert.notBefore)} to {formatDateTime(cert.notAfter)}
        </Fact>
      )}
      <Fact term="Mode">{cert.mode === 'SNI_ONLY' ? 'SNI_ONLY (devices must send SNI)' : cert.mode}</Fact>
      <Fact term="Created">{formatDateTime(cert.createdAt)}</Fact>
      <Fact term="Last modified">{formatDateTime(cert.lastModifiedAt)}</Fact>
      <Fact term="ARN">
        <span className="font-mono text-xs">{cert.arn}</span>
      </Fact>
    </dl>
  );
}

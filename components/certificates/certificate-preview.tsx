import { describeKey, type CertificateInfo } from '@/lib/pki/inspect';

import { formatDate } from './format';

/** What a pasted or uploaded certificate reads as, shown under its field before anything is sent. */
export function CertificatePreview({ info, label }: { info: CertificateInfo; label: string }) {
  return (
    <div
      role="status"
      aria-label={label}
      className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-xs text-emerald-950"
    >
      <p className="font-semibold">
        Reads as a certificate{info.selfSigned ? ' (self-signed)' : ''}
        {info.isCa ? ', a CA' : ''}.
      </p>
      <dl className="mt-1 grid grid-cols-[7rem_1fr] gap-x-3 gap-y-0.5">
        <dt>Subject</dt>
        <dd className="break-words">{info.subject || '—'}</dd>
        <dt>Issuer</dt>
        <dd className="break-words">{info.issuer || '—'}</dd>
        <dt>Valid</dt>
        <dd>
          {formatDate(info.notBefore)} to {formatDate(info.notAfter)}
        </dd>
        <dt>Key</dt>
        <dd>{describeKey(info)}</dd>
        <dt>SHA-256</dt>
        <dd className="font-mono break-all">{info.sha256Fingerprint}</dd>
      </dl>
    </div>
  );
}

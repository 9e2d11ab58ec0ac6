import type { IssuerKind } from '@/lib/aws/certificates';

/** Who vouches for the certificate, in words: AWS IoT's issuing CA, a registered CA, or none. */
export function IssuerLabel({ kind, caCertificateId }: { kind: IssuerKind; caCertificateId: string | undefined }) {
  if (kind === 'aws') {
    return <span title={caCertificateId ? `CA ${caCertificateId}` : undefined}>AWS IoT issuing CA</span>;
  }
  if (kind === 'registered-ca') {
    return (
      <span title={caCertificateId}>
        Registered CA <span className="font-mono text-xs text-slate-500">{caCertificateId?.slice(0, 10)}…</span>
      </span>
    );
  }
  return <span className="text-slate-500">None (registered without a CA)</span>;
}

import Link from 'next/link';

import { CopyButton } from '@/components/ui/copy-button';

/** The first 10 hex digits of a certificate id (as the AWS console shows it), linked, with a copy button for the whole id. */
export function CertificateIdCell({ id, link = true }: { id: string; link?: boolean }) {
  const short = id.slice(0, 10);
  return (
    <span className="inline-flex items-center gap-1">
      {link ? (
        <Link
          href={`/certificates/${id}`}
          className="font-mono text-indigo-700 hover:underline"
          title={id}
          aria-label={`Certificate ${short}`}
        >
          {short}…
        </Link>
      ) : (
        <span className="font-mono" title={id}>
          {short}…
        </span>
      )}
      <CopyButton text={id} label={`Copy id ${short}`} />
    </span>
  );
}

import { buttonClasses } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';

/** The certificate PEM, with copy and a download through the session-checked route handler. */
export function PemBlock({ id, pem }: { id: string; pem: string }) {
  const fileName = `${id.slice(0, 10)}-certificate.pem.crt`;
  return (
    <section aria-labelledby="pem-heading" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2">
        <h2 id="pem-heading" className="text-sm font-semibold text-slate-900">
          Certificate PEM
        </h2>
        <div className="flex items-center gap-2">
          <CopyButton text={pem} label="Copy PEM" />
          <a
            href={`/api/certificates/${id}/pem`}
            download={fileName}
            className={buttonClasses('secondary', 'px-2 py-1 text-xs')}
          >
            Download PEM
          </a>
        </div>
      </div>
      <pre
        role="figure"
        aria-label="Certificate PEM"
        className="max-h-72 overflow-auto px-4 py-3 font-mono text-xs leading-relaxed text-slate-800"
      >
        {pem}
      </pre>
    </section>
  );
}

'use client';

import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';

import { saveBytes } from './download';

/** The root CA devices must trust: its PEM, with copy and download (a file made in the browser). */
export function RootCaCard({ fileName, pem, description }: { fileName: string; pem: string; description: string }) {
  return (
    <section
      aria-labelledby="root-ca-title"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="root-ca-title" className="text-base font-semibold text-slate-900">
            Root CA: {fileName}
          </h2>
          <p className="mt-0.5 max-w-2xl text-sm text-slate-600">{description}</p>
        </div>
        <div className="flex items-center gap-2">
          <CopyButton text={pem} label="Copy root CA" />
          <Button variant="secondary" onClick={() => saveBytes(pem, fileName, 'application/x-pem-file')}>
            Download {fileName}
          </Button>
        </div>
      </div>
      <pre
        role="figure"
        aria-label="Root CA PEM"
        className="max-h-64 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-800"
      >
        {pem}
      </pre>
    </section>
  );
}

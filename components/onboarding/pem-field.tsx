'use client';

import { useId, useState } from 'react';

import { TextAreaField } from '@/components/ui/form';

/** A PEM pasted into a text area, or read from an uploaded file into it (the file never leaves the page otherwise). */
export function PemField({
  name,
  label,
  hint,
  value,
  onChange,
  errors,
  placeholder,
}: {
  name: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
  placeholder?: string;
}) {
  const fileId = useId();
  const [fileProblem, setFileProblem] = useState<string | undefined>();
  return (
    <div className="space-y-1">
      <TextAreaField
        name={name}
        label={label}
        hint={hint}
        errors={[...(errors ?? []), ...(fileProblem ? [fileProblem] : [])]}
        rows={6}
        spellCheck={false}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <div className="flex items-center gap-2 text-xs text-slate-600">
        <label htmlFor={fileId}>Or upload a file:</label>
        <input
          id={fileId}
          type="file"
          accept=".pem,.crt,.cer,.csr,.req,.txt,application/x-pem-file"
          aria-label={`Upload ${label.toLowerCase()} file`}
          className="text-xs file:mr-2 file:rounded file:border file:border-slate-300 file:bg-white file:px-2 file:py-1"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            setFileProblem(undefined);
            if (!file) return;
            if (file.size > 65_536) {
              setFileProblem('That file is larger than 64 KB: it is not a single PEM.');
              return;
            }
            onChange(await file.text());
          }}
        />
      </div>
    </div>
  );
}

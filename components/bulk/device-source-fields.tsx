'use client';

import { useState } from 'react';

import { TextAreaField, TextField } from '@/components/ui/form';

import { RadioCard } from '@/components/ui/radio';

const SAMPLE = 'name,attributes,type,group\nsensor-001,room=12;floor=3,,\nsensor-002,room=14;floor=3,,\n';

/**
 * Where the device list comes from: a CSV (pasted or read from a file, in this browser) or a name prefix
 * and a count. `values` and `errors` are the preview action's echo of the last submit.
 */
export function DeviceSourceFields({
  values,
  errors: previewErrors,
}: {
  values: Record<string, string> | undefined;
  errors: (field: string) => string[] | undefined;
}) {
  const [source, setSource] = useState<'csv' | 'generator'>('csv');
  const [csv, setCsv] = useState('');
  const [fileNote, setFileNote] = useState<string | undefined>();

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 900_000) {
      setFileNote(`${file.name} is too large (at most 900 KB); split it into several jobs.`);
      return;
    }
    setCsv(await file.text());
    setFileNote(`Read ${file.name} (${file.size.toLocaleString('en')} bytes). Press Check the list.`);
  };

  return (
    <>
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-800">Where the list comes from</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          <RadioCard
            name="source"
            value="csv"
            checked={source === 'csv'}
            onChange={() => setSource('csv')}
            label="A CSV"
            hint="Columns: name, attributes (k=v;k2=v2), type, group. Header row first."
          />
          <RadioCard
            name="source"
            value="generator"
            checked={source === 'generator'}
            onChange={() => setSource('generator')}
            label="A prefix and a count"
            hint="sensor-001 … sensor-100, all with the same attributes, type and group."
          />
        </div>
      </fieldset>
      {source === 'csv' ? (
        <div className="space-y-3">
          <TextAreaField
            name="csv"
            label="CSV"
            rows={8}
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
            placeholder={SAMPLE}
            className="font-mono text-xs"
            hint='Quote fields that contain commas: "room=12;desk=a,b". Attributes: at most 3 without a type, 50 with one.'
            errors={previewErrors('csv')}
          />
          <div>
            <label htmlFor="csvFile" className="block text-sm font-medium text-slate-800">
              Or choose a CSV file
            </label>
            <input
              id="csvFile"
              type="file"
              accept=".csv,text/csv,text/plain"
              onChange={(e) => void onFile(e.target.files?.[0])}
              className="mt-1 block text-sm text-slate-700 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm"
            />
            <p aria-live="polite" className="mt-1 text-xs text-slate-600">
              {fileNote}
            </p>
          </div>
        </div>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="prefix"
            label="Name prefix"
            placeholder="sensor-"
            defaultValue={values?.prefix}
            errors={previewErrors('prefix')}
          />
          <TextField
            name="count"
            label="How many"
            type="number"
            min={1}
            max={5000}
            defaultValue={values?.count ?? '10'}
            errors={previewErrors('count')}
          />
          <TextField
            name="start"
            label="First number"
            type="number"
            min={0}
            defaultValue={values?.start ?? '1'}
            errors={previewErrors('start')}
          />
          <TextField
            name="digits"
            label="Digits (zero-padded)"
            type="number"
            min={0}
            max={9}
            defaultValue={values?.digits ?? '3'}
            errors={previewErrors('digits')}
          />
          <TextField
            name="genAttributes"
            label="Attributes (optional)"
            placeholder="site=lab;batch=7"
            defaultValue={values?.genAttributes}
          />
          <TextField name="genThingType" label="Thing type (optional)" defaultValue={values?.genThingType} />
          <TextField name="genThingGroup" label="Thing group (optional)" defaultValue={values?.genThingGroup} />
        </div>
      )}
    </>
  );
}

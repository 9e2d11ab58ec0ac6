import { Code } from '@/components/ui/code';
import { CopyButton } from '@/components/ui/copy-button';
import { shadowTopic } from '@/lib/mqtt/reserved-topics';

import { CreateShadowForm } from './create-shadow-form';

const EXAMPLE = JSON.stringify({ state: { reported: { temperature: 21.5, led: 'off' } } }, null, 2);

/** A shadow that does not exist yet: how a device creates it, or create it here with a desired state. */
export function NoShadow({
  thingName,
  shadowName,
  mayCreate = true,
}: {
  thingName: string;
  shadowName?: string;
  /** Creating one here needs operator. */
  mayCreate?: boolean;
}) {
  const topic = shadowTopic(thingName, shadowName, 'update');
  const label = shadowName ? `shadow "${shadowName}"` : 'classic shadow';
  return (
    <section
      aria-label="No shadow yet"
      className="space-y-5 rounded-lg border border-dashed border-slate-300 bg-white px-6 py-6"
    >
      <div>
        <h3 className="text-base font-semibold text-slate-900">This thing has no {label} yet</h3>
        <p className="mt-1 text-sm text-slate-600">
          A device creates it the first time it reports its state: it publishes a JSON document to its update topic,
          which its policy must allow.
        </p>
      </div>
      <div className="space-y-1">
        <p className="text-xs font-medium text-slate-700">Topic</p>
        <div className="flex items-center gap-2">
          <Code>{topic}</Code>
          <CopyButton text={topic} label="Copy topic" />
        </div>
      </div>
      <div className="space-y-1">
        <div className="flex items-center justify-between">
          <p className="text-xs font-medium text-slate-700">Example payload</p>
          <CopyButton text={EXAMPLE} label="Copy payload" />
        </div>
        <pre className="overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">
          {EXAMPLE}
        </pre>
      </div>
      {mayCreate ? (
        <div className="border-t border-slate-200 pt-4">
          <h4 className="mb-2 text-sm font-semibold text-slate-900">Or create it now</h4>
          <CreateShadowForm
            thingName={thingName}
            shadowName={shadowName}
            submitLabel="Create with this desired state"
          />
        </div>
      ) : null}
    </section>
  );
}

'use client';

import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import type { MqttConnectionState } from '@/lib/mqtt/connection-state';
import type { ActivityEntry } from '@/lib/shadows/activity';
import { formatValue } from '@/lib/shadows/flatten';

import { RelativeTime } from './relative-time';

const KIND_LABEL: Record<ActivityEntry['kind'], string> = {
  documents: 'documents',
  accepted: 'accepted',
  rejected: 'rejected',
  delta: 'delta',
};

const KIND_STYLE: Record<ActivityEntry['kind'], string> = {
  documents: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  accepted: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  rejected: 'bg-red-50 text-red-800 ring-red-200',
  delta: 'bg-amber-50 text-amber-900 ring-amber-200',
};

function Summary({ entry }: { entry: ActivityEntry }) {
  const op = entry.operation;
  switch (entry.kind) {
    case 'documents':
      return (
        <span>
          {entry.previousVersion === undefined
            ? `created, version ${entry.version}`
            : `version ${entry.previousVersion} → ${entry.version}`}
        </span>
      );
    case 'delta':
      return <span>device asked to change{entry.version !== undefined ? ` (version ${entry.version})` : ''}</span>;
    case 'accepted':
      return (
        <span>
          {op} accepted{entry.version !== undefined ? ` (version ${entry.version})` : ''}
        </span>
      );
    case 'rejected':
      return (
        <span>
          {op} rejected: {entry.error?.code} {entry.error?.message}
        </span>
      );
  }
}

/** One field change of a documents entry: `reported.temp: 21 → 22`, `+ led: "on"`, `− mode (was "eco")`. */
function ChangeLine({ change }: { change: NonNullable<ActivityEntry['changes']>[number] }) {
  const path = `${change.section}.${change.path}`;
  if (change.kind === 'added') {
    return (
      <li className="text-emerald-800">
        <span role="img" aria-label="added">
          +{' '}
        </span>
        {path}: {formatValue(change.after)}
      </li>
    );
  }
  if (change.kind === 'removed') {
    return (
      <li className="text-red-800">
        <span role="img" aria-label="removed">
          −{' '}
        </span>
        {path} (was {formatValue(change.before)})
      </li>
    );
  }
  return (
    <li className="text-slate-800">
      <span aria-hidden="true">~ </span>
      {path}: {formatValue(change.before)} → {formatValue(change.after)}
    </li>
  );
}

/**
 * The live stream of this thing's shadow events, newest first: documents as field diffs, deltas and
 * accepted updates as their fields, rejections with AWS's code and message.
 */
export function ShadowActivity({
  entries,
  max,
  connection,
  onClear,
}: {
  entries: readonly ActivityEntry[];
  max: number;
  /** The tab's MQTT connection, or `subscribing` while it is connected but not yet listening to the shadow. */
  connection: { state: MqttConnectionState | 'subscribing'; detail?: string };
  onClear: () => void;
}) {
  const live = connection.state === 'connected';
  return (
    <section aria-labelledby="shadow-activity" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id="shadow-activity" className="text-base font-semibold text-slate-900">
            Activity
          </h2>
          <p className="text-xs text-slate-500">
            Updates of this thing&apos;s shadows as they happen, newest first; the last {max} are kept while the page is
            open.
          </p>
        </div>
        <div className="flex items-center gap-3">
          <span role="status" className="flex items-center gap-1.5 text-xs text-slate-600" title={connection.detail}>
            <span aria-hidden="true" className={cn('h-2 w-2 rounded-full', live ? 'bg-emerald-500' : 'bg-amber-400')} />
            {live
              ? 'Live'
              : connection.state === 'connecting' || connection.state === 'subscribing'
                ? 'Connecting…'
                : connection.state === 'reconnecting'
                  ? 'Reconnecting…'
                  : 'Offline'}
          </span>
          <Button variant="ghost" className="px-2 py-1 text-xs" onClick={onClear} disabled={entries.length === 0}>
            Clear
          </Button>
        </div>
      </div>
      {!live && connection.detail ? <p className="mb-2 text-xs text-amber-800">{connection.detail}</p> : null}
      {entries.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
          Nothing yet. When a device or the dashboard updates a shadow of this thing, the change shows here.
        </p>
      ) : (
        <ol aria-label="Shadow activity" className="divide-y divide-slate-100">
          {entries.map((entry) => (
            <li key={entry.id} className="py-2.5 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <RelativeTime epochMs={entry.receivedAt} className="w-20 shrink-0 text-xs text-slate-500" />
                <span
                  className={cn('rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset', KIND_STYLE[entry.kind])}
                >
                  {KIND_LABEL[entry.kind]}
                </span>
                <span className="text-xs font-medium text-slate-700">
                  {entry.shadowName ? `shadow "${entry.shadowName}"` : 'classic shadow'}
                </span>
                <span className="text-xs text-slate-600">
                  <Summary entry={entry} />
                </span>
              </div>
              {entry.changes && entry.changes.length > 0 ? (
                <ul className="mt-1 ml-22 space-y-0.5 font-mono text-xs">
                  {entry.changes.map((c) => (
                    <ChangeLine key={`${c.section}.${c.path}`} change={c} />
                  ))}
                </ul>
              ) : entry.kind === 'documents' ? (
                <p className="mt-1 ml-22 text-xs text-slate-500">No field changed (the version still went up).</p>
              ) : null}
              {entry.fields && entry.fields.length > 0 ? (
                <ul className="mt-1 ml-22 space-y-0.5 font-mono text-xs text-slate-700">
                  {entry.fields.map((f) => (
                    <li key={f.path}>
                      {f.path}: {f.value === null ? 'null (removed)' : formatValue(f.value)}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

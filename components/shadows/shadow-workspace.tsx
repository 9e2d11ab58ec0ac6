'use client';

import { useEffect, useMemo, useRef, useState } from 'react';

import { LockedButton } from '@/components/console/locked-button';
import { useMqttSession } from '@/components/mqtt/use-mqtt-session';
import { addEntries, MAX_ACTIVITY_ENTRIES, toActivityEntry, type ActivityEntry } from '@/lib/shadows/activity';
import { latestTimestamp } from '@/lib/shadows/json';
import { parseShadowTopic, thingShadowFilter } from '@/lib/mqtt/reserved-topics';
import { NO_SHADOW, viewFromDocuments, type ShadowView } from '@/lib/shadows/view';

import { CreateShadowForm } from './create-shadow-form';
import { DeleteShadowForm } from './delete-shadow-form';
import { DesiredEditor } from './desired-editor';
import { NoShadow } from './no-shadow';
import { NowProvider, RelativeTime } from './relative-time';
import { ShadowActivity } from './shadow-activity';
import { ShadowList } from './shadow-list';
import { ShadowStateTable } from './shadow-state-table';

export interface ShadowWorkspaceProps {
  thingName: string;
  /** The selected shadow; undefined for the classic one. */
  shadowName?: string;
  initialView: ShadowView;
  namedShadows: string[];
  namedTruncated: boolean;
  namedError?: string;
  /** Server clock at render, epoch ms: the first "… ago" texts agree between server and browser. */
  renderedAt: number;
  /** Creating and editing shadows needs operator, deleting one admin (the actions check it too). */
  mayEdit?: boolean;
  mayDelete?: boolean;
}

/** Newer wins; existence changes (deleted, re-created) always win. */
function newer(current: ShadowView, incoming: ShadowView): ShadowView {
  if (incoming.exists !== current.exists) return incoming;
  return incoming.version >= current.version ? incoming : current;
}

function lastChanged(view: ShadowView): number | undefined {
  const times = [latestTimestamp(view.metadata.desired), latestTimestamp(view.metadata.reported)].filter(
    (t): t is number => t !== undefined,
  );
  return times.length ? Math.max(...times) : view.timestamp;
}

/**
 * One thing's shadows, live: the selected shadow's state (desired, reported, delta) and desired editor, the
 * list of shadows, and the Activity stream of `$aws/things/{thing}/shadow/#` over this tab's MQTT session.
 * A documents message for the selected shadow refreshes what is shown without a reload.
 */
export function ShadowWorkspace(props: ShadowWorkspaceProps) {
  const { thingName, shadowName, initialView, mayEdit = true, mayDelete = true } = props;
  const mqtt = useMqttSession();
  const [view, setView] = useState<ShadowView>(initialView);
  const [names, setNames] = useState<string[]>(props.namedShadows);
  const [entries, setEntries] = useState<ActivityEntry[]>([]);
  const [subscribeError, setSubscribeError] = useState<string | undefined>();
  const selectedRef = useRef(shadowName ?? '');
  selectedRef.current = shadowName ?? '';

  // The server re-rendered (a save revalidated the page, router.refresh(), another shadow was picked):
  // take its data when it is about another shadow or newer. The workspace (and its MQTT session and
  // Activity) stays mounted while the operator moves between the thing's shadows.
  const shownShadow = useRef(shadowName ?? '');
  useEffect(() => {
    const switched = shownShadow.current !== (shadowName ?? '');
    shownShadow.current = shadowName ?? '';
    setView((v) => (switched ? initialView : newer(v, initialView)));
  }, [initialView, shadowName]);
  useEffect(() => setNames(props.namedShadows), [props.namedShadows]);

  const filter = thingShadowFilter(thingName);
  const { subscribe, unsubscribe, onMessages } = mqtt;
  useEffect(() => {
    let active = true;
    void subscribe(filter, 1).then((result) => {
      if (active) setSubscribeError(result.ok ? undefined : result.error);
    });
    return () => {
      active = false;
      void unsubscribe(filter);
    };
  }, [subscribe, unsubscribe, filter]);

  useEffect(
    () =>
      onMessages((messages) => {
        const incoming: ActivityEntry[] = [];
        for (const message of messages) {
          const topic = parseShadowTopic(message.topic);
          if (!topic || topic.thingName !== thingName) continue;
          const entry = toActivityEntry(message);
          if (entry) incoming.push(entry);
          const isSelected = (topic.shadowName ?? '') === selectedRef.current;
          if (topic.kind === 'documents') {
            let payload: unknown;
            try {
              payload = JSON.parse(message.payload);
            } catch {
              continue;
            }
            const next = viewFromDocuments(payload);
            if (next && isSelected) setView((v) => newer(v, next));
            const created = topic.shadowName;
            if (created)
              setNames((list) =>
                list.includes(created) ? list : [...list, created].sort((a, b) => a.localeCompare(b)),
              );
          } else if (topic.operation === 'delete' && topic.kind === 'accepted') {
            if (isSelected) setView(NO_SHADOW);
            const gone = topic.shadowName;
            if (gone && gone !== selectedRef.current) setNames((list) => list.filter((n) => n !== gone));
          }
        }
        if (incoming.length) setEntries((list) => addEntries(list, incoming, MAX_ACTIVITY_ENTRIES));
      }),
    [onMessages, thingName],
  );

  const changedAt = useMemo(() => lastChanged(view), [view]);
  const title = shadowName ? `Named shadow "${shadowName}"` : 'Classic shadow';
  // "Live" only once the broker granted the subscription, not merely when the session connected.
  const subscribed = mqtt.subscriptions.some((sub) => sub.filter === filter);
  const connection = {
    state: mqtt.state === 'connected' && !subscribed ? ('subscribing' as const) : mqtt.state,
    detail: subscribeError ? `Not receiving live updates: ${subscribeError}` : mqtt.detail,
  };

  return (
    <NowProvider initialNow={props.renderedAt}>
      <div className="grid gap-6 lg:grid-cols-[14rem_minmax(0,1fr)]">
        <aside className="space-y-4">
          <ShadowList
            thingName={thingName}
            names={names}
            selected={shadowName}
            truncated={props.namedTruncated}
            error={props.namedError}
          />
          {mayEdit ? (
            <details className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
              <summary className="cursor-pointer text-sm font-medium text-slate-800">New named shadow</summary>
              <div className="mt-3">
                <CreateShadowForm thingName={thingName} named submitLabel="Create shadow" />
              </div>
            </details>
          ) : (
            <LockedButton label="New named shadow" need="operator" />
          )}
        </aside>

        <div className="min-w-0 space-y-6">
          <section aria-labelledby="shadow-title" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
              <div>
                <h2 id="shadow-title" className="text-base font-semibold text-slate-900">
                  {title}
                </h2>
                {view.exists ? (
                  <p className="mt-0.5 text-sm text-slate-600">
                    <span>Version {view.version}</span>
                    {changedAt !== undefined ? (
                      <>
                        {' · '}
                        <RelativeTime epochMs={changedAt * 1000} prefix="last changed " />
                      </>
                    ) : null}
                  </p>
                ) : null}
              </div>
              {view.exists ? (
                mayDelete ? (
                  <DeleteShadowForm key={shadowName ?? ''} thingName={thingName} shadowName={shadowName} />
                ) : (
                  <LockedButton label="Delete shadow" need="admin" variant="danger" />
                )
              ) : null}
            </div>
            {view.exists ? (
              <div className="space-y-6">
                <ShadowStateTable view={view} />
                <details className="text-sm">
                  <summary className="cursor-pointer text-slate-700">Full document (JSON)</summary>
                  <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">
                    {JSON.stringify({ state: view.state, metadata: view.metadata, version: view.version }, null, 2)}
                  </pre>
                </details>
                {mayEdit ? (
                  <DesiredEditor key={shadowName ?? ''} thingName={thingName} shadowName={shadowName} view={view} />
                ) : (
                  <p className="text-sm text-slate-500" data-needs-role="operator">
                    Editing the desired state needs operator.
                  </p>
                )}
              </div>
            ) : (
              <NoShadow thingName={thingName} shadowName={shadowName} mayCreate={mayEdit} />
            )}
          </section>

          <ShadowActivity
            entries={entries}
            max={MAX_ACTIVITY_ENTRIES}
            connection={connection}
            onClear={() => setEntries([])}
          />
        </div>
      </div>
    </NowProvider>
  );
}

'use client';

import { memo, useEffect, useState, type FormEvent } from 'react';

import { thingTopicsAction } from '@/app/(console)/mqtt/actions';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { controlClasses, inputClasses } from '@/components/ui/field-styles';
import { Field } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import { PRESENCE_FILTER, thingShadowFilter } from '@/lib/mqtt/reserved-topics';
import { awsNameProblem } from '@/lib/validation/messages';

import { COLOURS, colourName, type PageSubscription } from './subscriptions';
import type { MqttResult, MqttSubscription } from './use-mqtt-session';
import { filterProblem } from './validation';

/** Subscribe form with AWS's filter rules checked as you type, quick presets, and the list of subscriptions. */
export const SubscriptionsPanel = memo(function SubscriptionsPanel({
  subs,
  active,
  connected,
  onSubscribe,
  onUnsubscribe,
  onChange,
}: {
  subs: readonly PageSubscription[];
  /** What the server-side session is subscribed to now. */
  active: readonly MqttSubscription[];
  connected: boolean;
  onSubscribe: (filter: string, qos: 0 | 1) => Promise<MqttResult>;
  onUnsubscribe: (filter: string) => Promise<MqttResult>;
  onChange: (filter: string, change: Partial<Pick<PageSubscription, 'colour' | 'paused'>>) => void;
}) {
  const toast = useToast();
  const [filter, setFilter] = useState('');
  const [qos, setQos] = useState<0 | 1>(0);
  const [thing, setThing] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState<string | undefined>();

  // Checked as you type; an empty box is not an error until Subscribe is pressed.
  const typedProblem = filter ? filterProblem(filter, subs) : undefined;
  const shownError = typedProblem ?? error;
  const thingProblem = thing ? awsNameProblem('thingName', thing) : undefined;
  const thingOk = thing !== '' && !thingProblem;
  const bundleTopic = useBundleTopic(thingOk ? thing : undefined);

  async function subscribe(f: string, fromForm: boolean) {
    const problem = filterProblem(f, subs);
    if (problem) {
      if (fromForm) setError(problem);
      else toast(`${f}: ${problem}`, 'error');
      return;
    }
    setPending(f);
    const result = await onSubscribe(f, qos);
    setPending(undefined);
    if (result.ok) {
      if (fromForm) setFilter('');
      setError(undefined);
      toast(`Subscribed to ${f}`);
    } else if (fromForm) {
      setError(result.error);
    } else {
      toast(result.error, 'error');
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!filter) {
      setError('Enter a topic filter, for example devices/+/telemetry or $aws/things/my-device/shadow/#.');
      return;
    }
    void subscribe(filter, true);
  }

  const presets: { label: string; filter: string | undefined }[] = [
    { label: 'Shadow topics', filter: thingOk ? thingShadowFilter(thing) : undefined },
    // What the thing's bundle (README, mosquitto.sh, SDK snippets) publishes on: its policy's topic.
    { label: 'Bundle topic', filter: thingOk ? bundleTopic : undefined },
    { label: 'Sensors', filter: thingOk ? `${thing}/sensors` : undefined },
    { label: 'Presence events', filter: PRESENCE_FILTER },
    { label: 'aws/messages', filter: 'aws/messages' },
  ];
  const activeFilters = new Set(active.map((a) => a.filter));

  return (
    <section
      aria-labelledby="subscriptions-heading"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 id="subscriptions-heading" className="text-base font-semibold text-slate-900">
        Subscriptions
      </h2>
      <form onSubmit={onSubmit} noValidate className="space-y-2" aria-label="Subscribe">
        <Field
          id="mqtt-filter"
          label="Topic filter"
          hint="+ matches one level, # the rest (last level only)."
          errors={shownError ? [shownError] : undefined}
        >
          {(control) => (
            <div className="flex gap-2">
              <input
                {...control}
                className={cn(controlClasses, 'min-w-0 flex-1 font-mono')}
                value={filter}
                placeholder="devices/+/telemetry"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => {
                  setFilter(e.target.value);
                  setError(undefined);
                }}
              />
              <select
                aria-label="Subscription QoS"
                className={cn(controlClasses, 'w-24 shrink-0')}
                value={qos}
                onChange={(e) => setQos(e.target.value === '1' ? 1 : 0)}
              >
                <option value="0">QoS 0</option>
                <option value="1">QoS 1</option>
              </select>
            </div>
          )}
        </Field>
        <Button type="submit" disabled={pending !== undefined}>
          {pending === filter && pending ? 'Subscribing…' : 'Subscribe'}
        </Button>
      </form>

      <div className="space-y-2 border-t border-slate-100 pt-3">
        <h3 className="text-sm font-medium text-slate-800">Quick presets</h3>
        <Field
          id="mqtt-thing"
          label="Thing name (for its bundle, shadow and sensors topics)"
          errors={thingProblem ? [thingProblem] : undefined}
        >
          {(control) => (
            <input
              {...control}
              className={inputClasses}
              value={thing}
              placeholder="my-device"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setThing(e.target.value.trim())}
            />
          )}
        </Field>
        <div className="flex flex-wrap gap-2">
          {presets.map((p) => (
            <Button
              key={p.label}
              variant="secondary"
              className="px-2 py-1 text-xs"
              disabled={!p.filter || pending !== undefined}
              title={p.filter ?? 'Enter a thing name first'}
              aria-label={
                p.filter
                  ? `Subscribe to ${p.filter}`
                  : `${p.label} (${thingOk ? 'looking it up' : 'enter a thing name first'})`
              }
              onClick={() => p.filter && void subscribe(p.filter, false)}
            >
              {p.label}
            </Button>
          ))}
        </div>
      </div>

      {subs.length === 0 ? (
        <p className="border-t border-slate-100 pt-3 text-sm text-slate-600">
          No subscriptions yet. Subscribe to a filter or pick a preset to start seeing messages.
        </p>
      ) : (
        <ul aria-label="Active subscriptions" className="space-y-2 border-t border-slate-100 pt-3">
          {subs.map((s) => (
            <li key={s.filter} className="space-y-1 text-sm" aria-label={`Subscription ${s.filter}`}>
              <div className="flex items-start gap-2">
                <span aria-hidden className="mt-1 size-3 shrink-0 rounded-full" style={{ background: s.colour }} />
                <span
                  className={cn(
                    'min-w-0 flex-1 font-mono text-xs break-all',
                    s.paused && 'text-slate-400 line-through',
                  )}
                >
                  {s.filter}
                </span>
              </div>
              <div className="flex flex-wrap items-center gap-2 pl-5">
                <span className="text-xs text-slate-500">QoS {s.qos}</span>
                {s.paused ? <span className="text-xs text-slate-500">paused</span> : null}
                {connected && !activeFilters.has(s.filter) ? (
                  <span
                    className="text-xs text-amber-700"
                    title="Not active in the current session yet; re-subscribing"
                  >
                    pending
                  </span>
                ) : null}
                <select
                  aria-label={`Colour of ${s.filter}`}
                  className="rounded border border-slate-300 bg-white px-1 py-0.5 text-xs"
                  value={s.colour}
                  onChange={(e) => onChange(s.filter, { colour: e.target.value })}
                >
                  {COLOURS.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.name}
                    </option>
                  ))}
                  {COLOURS.some((c) => c.value === s.colour) ? null : (
                    <option value={s.colour}>{colourName(s.colour)}</option>
                  )}
                </select>
                <Button
                  variant="ghost"
                  className="px-2 py-0.5 text-xs"
                  aria-pressed={s.paused}
                  aria-label={`${s.paused ? 'Resume' : 'Pause'} ${s.filter}`}
                  onClick={() => onChange(s.filter, { paused: !s.paused })}
                >
                  {s.paused ? 'Resume' : 'Pause'}
                </Button>
                <Button
                  variant="ghost"
                  className="px-2 py-0.5 text-xs text-red-700"
                  aria-label={`Unsubscribe from ${s.filter}`}
                  onClick={async () => {
                    const result = await onUnsubscribe(s.filter);
                    if (result.ok) toast(`Unsubscribed from ${s.filter}`);
                    else toast(result.error, 'error');
                  }}
                >
                  Remove
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});

/**
 * The topic `thing`'s bundle publishes on, looked up (after a pause in typing) from the policy of its certificate;
 * undefined while it is being looked up. A thing the lookup cannot answer for gets the bundles' default.
 */
function useBundleTopic(thing: string | undefined): string | undefined {
  const [found, setFound] = useState<{ thing: string; topic: string } | undefined>();
  useEffect(() => {
    if (!thing) return;
    let current = true;
    const timer = setTimeout(() => {
      thingTopicsAction(thing)
        .then((r) => current && setFound({ thing, topic: r.ok ? r.publishTopic : `${thing}/telemetry` }))
        .catch(() => current && setFound({ thing, topic: `${thing}/telemetry` }));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [thing]);
  return thing && found?.thing === thing ? found.topic : undefined;
}

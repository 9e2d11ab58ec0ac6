'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import {
  initialLiveSteps,
  LIVE_STEPS,
  type LiveEvent,
  type LiveStepEvent,
  type LiveStepId,
} from '@/lib/connection-check/live';

import { CheckStepRow } from './check-step';

type RunState = { phase: 'running' } | { phase: 'done'; reason: 'passed' | 'timeout' | 'error'; message?: string };

/**
 * The live part of the check: listens to /api/things/<name>/check (Server-Sent Events) and shows each step as
 * waiting, then pass or fail. Starts on its own when the page opens; "Watch again" starts a new round.
 */
export function LiveCheck({ thingName, command }: { thingName: string; command: string }) {
  const [steps, setSteps] = useState<Record<LiveStepId, LiveStepEvent>>(() => initialLiveSteps(thingName, command));
  const [run, setRun] = useState<RunState>({ phase: 'running' });
  const [round, setRound] = useState(0);
  const sourceRef = useRef<EventSource | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new round (Run again) opens a new stream.
  useEffect(() => {
    const source = new EventSource(`/api/things/${encodeURIComponent(thingName)}/check`);
    sourceRef.current = source;
    const onStep = (e: MessageEvent<string>) => {
      const event = JSON.parse(e.data) as LiveEvent;
      if (event.type === 'step') setSteps((prev) => ({ ...prev, [event.id]: event }));
    };
    const onDone = (e: MessageEvent<string>) => {
      const event = JSON.parse(e.data) as LiveEvent;
      if (event.type === 'done') setRun({ phase: 'done', reason: event.reason, message: event.message });
      source.close();
    };
    source.addEventListener('step', onStep);
    source.addEventListener('done', onDone);
    source.onerror = () => {
      // The server closes the stream after `done`; anything else is a lost connection.
      if (source.readyState === EventSource.CLOSED) {
        setRun((prev) =>
          prev.phase === 'running'
            ? { phase: 'done', reason: 'error', message: 'The connection to the dashboard was lost.' }
            : prev,
        );
      }
    };
    return () => source.close();
  }, [thingName, round]);

  const restart = useCallback(() => {
    sourceRef.current?.close();
    setSteps(initialLiveSteps(thingName, command));
    setRun({ phase: 'running' });
    setRound((r) => r + 1);
  }, [thingName, command]);

  return (
    <section aria-labelledby="live-check" className="rounded-lg border border-slate-200 bg-white px-5 py-4 shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="live-check" className="text-base font-semibold text-slate-900">
          Live: waiting for the device
        </h2>
        {run.phase === 'done' ? (
          <Button variant="secondary" onClick={restart}>
            Watch again
          </Button>
        ) : null}
      </div>
      <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
        Start the device (or the simulator with its bundle):
        <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">{command}</code>
        <CopyButton text={command} label="Copy command" />
      </p>
      <ul className="divide-y divide-slate-100" aria-live="polite">
        {LIVE_STEPS.map(({ id, title }) => (
          <CheckStepRow
            key={id}
            id={`live-${id}`}
            title={title}
            status={steps[id].status}
            detail={steps[id].detail}
            fix={steps[id].fix}
          />
        ))}
      </ul>
      <p className="mt-2 text-sm" role="status">
        {run.phase === 'running'
          ? 'Watching…'
          : run.reason === 'passed'
            ? 'The device is connected, sends messages and follows its shadow.'
            : run.reason === 'timeout'
              ? 'Stopped waiting. Fix what the steps say, then watch again.'
              : `Stopped: ${run.message ?? 'the live check could not run.'}`}
      </p>
    </section>
  );
}

import { cn } from '@/components/ui/cn';

import type { MqttConnectionState } from '@/lib/mqtt/connection-state';

const LABELS: Record<MqttConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Closed',
};

const DOTS: Record<MqttConnectionState, string> = {
  connecting: 'bg-amber-400',
  connected: 'bg-emerald-500',
  reconnecting: 'bg-amber-400 animate-pulse',
  offline: 'bg-red-500',
  closed: 'bg-slate-400',
};

/** The dashboard's MQTT session as one line: state, client id, and why when it is not connected. */
export function ConnectionStatus({
  state,
  detail,
  clientId,
}: {
  state: MqttConnectionState;
  detail?: string;
  clientId?: string;
}) {
  return (
    <div
      role="status"
      aria-live="polite"
      aria-label="MQTT connection"
      className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm"
    >
      <span className="inline-flex items-center gap-2 rounded-full border border-slate-200 bg-white px-3 py-1 font-medium text-slate-800">
        <span aria-hidden className={cn('size-2 rounded-full', DOTS[state])} />
        {LABELS[state]}
      </span>
      {clientId ? (
        <span className="text-xs text-slate-500">
          as <span className="font-mono">{clientId}</span>
        </span>
      ) : null}
      {detail && state !== 'connected' ? <span className="text-xs text-slate-600">{detail}</span> : null}
    </div>
  );
}

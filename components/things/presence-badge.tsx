import { formatAbsolute, formatRelative } from '@/lib/format/relative-time';
import type { PresenceView } from '@/lib/fleet/presence-state';

/** Connected / disconnected (with last seen) / unknown, from the presence events the dashboard tracks. */
export function PresenceBadge({ view, now }: { view: PresenceView | undefined; now: number }) {
  if (!view || view.status === 'unknown') {
    return (
      <span className="text-xs text-slate-400" title="No presence event heard since the dashboard started tracking">
        unknown
      </span>
    );
  }
  const seen = view.lastSeen !== undefined ? formatRelative(view.lastSeen, now) : undefined;
  const title = view.lastSeen !== undefined ? formatAbsolute(view.lastSeen) : undefined;
  if (view.status === 'connected') {
    return (
      <span className="inline-flex items-center gap-1.5 text-xs font-medium text-emerald-700" title={title}>
        <span aria-hidden className="h-2 w-2 rounded-full bg-emerald-500" />
        Connected{seen ? ` · ${seen}` : ''}
      </span>
    );
  }
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs text-slate-600"
      title={[title, view.lastDisconnectReason].filter(Boolean).join(' · ')}
    >
      <span aria-hidden className="h-2 w-2 rounded-full bg-slate-400" />
      Disconnected{seen ? ` · last seen ${seen}` : ''}
    </span>
  );
}

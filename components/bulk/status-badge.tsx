import type { DeviceStatus, JobStatus } from '@/lib/onboarding/bulk/types';

const TONES: Record<string, string> = {
  done: 'bg-emerald-100 text-emerald-800',
  completed: 'bg-emerald-100 text-emerald-800',
  running: 'bg-sky-100 text-sky-800',
  'rolling-back': 'bg-amber-100 text-amber-800',
  cancelling: 'bg-amber-100 text-amber-800',
  'rolled-back': 'bg-amber-100 text-amber-900',
  failed: 'bg-red-100 text-red-800',
  pending: 'bg-slate-100 text-slate-700',
  draft: 'bg-slate-100 text-slate-700',
  cancelled: 'bg-slate-200 text-slate-800',
};

export const STATUS_LABELS: Record<string, string> = {
  done: 'done',
  completed: 'completed',
  running: 'running',
  'rolling-back': 'rolling back',
  cancelling: 'cancelling',
  'rolled-back': 'rolled back',
  failed: 'failed',
  pending: 'pending',
  draft: 'not started',
  cancelled: 'cancelled',
};

export function StatusBadge({ status }: { status: DeviceStatus | JobStatus }) {
  return (
    <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${TONES[status] ?? ''}`}>
      {STATUS_LABELS[status] ?? status}
    </span>
  );
}

import type { IotMode } from '@/lib/aws/config';

/** Shows which IoT Core the console is talking to, so nobody mistakes the emulator for production. */
export function TargetBadge({ mode, region }: { mode: IotMode | 'unknown'; region: string }) {
  const label = mode === 'local' ? 'Local emulator' : mode === 'aws' ? 'AWS account' : 'Misconfigured';
  const dot = mode === 'local' ? 'bg-emerald-400' : mode === 'aws' ? 'bg-amber-400' : 'bg-red-400';
  return (
    <div className="rounded-md bg-slate-800/70 px-3 py-2 text-xs text-slate-300">
      <div className="flex items-center gap-2 font-medium text-white">
        <span aria-hidden="true" className={`h-2 w-2 rounded-full ${dot}`} />
        {label}
      </div>
      <div className="mt-0.5 font-mono">{region}</div>
    </div>
  );
}

import { FINISHED, type DeviceRow, type DeviceState, type DeviceStatus, type JobRecord, type JobView } from './types';

/**
 * The page's numbers, from the stored records: counts per status, the rate (devices finished per second over
 * the last stretch: the newest `window` finishes, or all of them) and the ETA at that rate. Pure.
 */
export function rateOf(finishTimes: number[], now: number, window = 50): number | undefined {
  const times = [...finishTimes].sort((a, b) => a - b).slice(-window);
  if (times.length < 2) return undefined;
  const span = (Math.max(now, times.at(-1)!) - times[0]!) / 1000;
  if (span <= 0) return undefined;
  return (times.length - 1) / span;
}

export function emptyCounts(): Record<DeviceStatus, number> {
  return { pending: 0, running: 0, 'rolling-back': 0, done: 0, 'rolled-back': 0, failed: 0 };
}

function reasonOf(d: DeviceState): string | undefined {
  if (!d.error) return undefined;
  let reason = d.error.message;
  if (d.status === 'rolled-back')
    reason += d.rollback?.undone.length
      ? ` Rolled back: ${d.rollback.undone.join(', ')} removed.`
      : ' Nothing had been created.';
  if (d.rollback?.left.length)
    reason += ` Not removed (delete by hand): ${d.rollback.left.map((l) => `${l.what} (${l.message})`).join('; ')}.`;
  return reason;
}

export function deviceRow(d: DeviceState): DeviceRow {
  const row: DeviceRow = { index: d.index, thingName: d.thingName, status: d.status };
  if (d.certificateId) row.certificateId = d.certificateId;
  const step = d.status === 'running' || d.status === 'rolling-back' ? d.inflight?.step : d.error?.step;
  if (step) row.step = step;
  const reason = reasonOf(d);
  if (reason) row.reason = reason;
  return row;
}

export function jobView(job: JobRecord, devices: readonly DeviceState[], now: number = Date.now()): JobView {
  const counts = emptyCounts();
  const finishes: number[] = [];
  for (const d of devices) {
    counts[d.status]++;
    if (FINISHED.has(d.status) && d.finishedAt) finishes.push(d.finishedAt);
  }
  const active = job.status === 'running' || job.status === 'cancelling';
  const rate = active ? rateOf(finishes, now) : rateOf(finishes, Math.max(...finishes, 0));
  const remaining = devices.length - counts.done - counts['rolled-back'] - counts.failed;
  const view: JobView = { job, counts, devices: devices.map(deviceRow) };
  if (rate !== undefined) view.rate = rate;
  if (active && rate && remaining > 0) view.etaSeconds = remaining / rate;
  return view;
}

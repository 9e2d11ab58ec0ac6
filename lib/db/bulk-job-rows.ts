import type { Insertable, Selectable } from 'kysely';

import type {
  DeviceState,
  DeviceStatus,
  DeviceStep,
  JobRecord,
  JobSettings,
  JobStatus,
} from '../onboarding/bulk/types';
import type { BulkJobDevicesTable, BulkJobsTable } from './schema';

export { deviceKey, parseDeviceKey } from '../onboarding/bulk/store';

/**
 * Bulk job records <-> rows: a JobRecord is a `bulk_jobs` row; a device's DeviceState is spread over the
 * `bulk_job_devices` columns queries filter on (status, the call in flight, the certificate) and `progress`
 * (the rest), its DeviceInput is `input`. Keys are lib/onboarding/bulk/store.ts's: `<jobId>/<000042>`.
 */

const date = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));
const ms = (d: Date | null) => (d === null ? undefined : d.getTime());
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function jobRow(job: JobRecord): Insertable<BulkJobsTable> {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    policy_name: job.policyName,
    policy_source: job.policySource,
    total: job.total,
    settings: JSON.stringify(job.settings),
    created_by: job.createdBy ?? null,
    created_at: new Date(job.createdAt),
    updated_at: new Date(job.updatedAt),
    started_at: date(job.startedAt),
    finished_at: date(job.finishedAt),
  };
}

export function toJob(row: Selectable<BulkJobsTable>): JobRecord {
  return defined({
    id: row.id,
    name: row.name,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
    status: row.status as JobStatus,
    policyName: row.policy_name,
    policySource: row.policy_source as JobRecord['policySource'],
    total: row.total,
    settings: row.settings as unknown as JobSettings,
    createdBy: row.created_by ?? undefined,
    startedAt: ms(row.started_at),
    finishedAt: ms(row.finished_at),
  });
}

/** The device state's columns (what queries filter on) and the rest as `progress`. */
export function stateColumns(s: DeviceState) {
  const { progress, ...columns } = stateFields(s);
  return { ...columns, progress: JSON.stringify(progress) };
}

/** stateColumns with `progress` still an object (for a row sent inside a JSON parameter). */
export function stateFields(s: DeviceState) {
  const {
    jobId: _jobId,
    index: _index,
    thingName: _thingName,
    status,
    inflight,
    certificateId,
    certificateArn,
    runs,
    startedAt,
    finishedAt,
    ...progress
  } = s;
  return {
    status,
    inflight_step: inflight?.step ?? null,
    inflight_at: date(inflight?.at),
    certificate_id: certificateId ?? null,
    certificate_arn: certificateArn ?? null,
    runs,
    started_at: date(startedAt),
    finished_at: date(finishedAt),
    progress: defined(progress),
  };
}

export type DeviceRow = Pick<
  Selectable<BulkJobDevicesTable>,
  | 'job_id'
  | 'position'
  | 'thing_name'
  | 'status'
  | 'inflight_step'
  | 'inflight_at'
  | 'certificate_id'
  | 'certificate_arn'
  | 'progress'
  | 'runs'
  | 'started_at'
  | 'finished_at'
>;

export const STATE_COLUMNS = [
  'job_id',
  'position',
  'thing_name',
  'status',
  'inflight_step',
  'inflight_at',
  'certificate_id',
  'certificate_arn',
  'progress',
  'runs',
  'started_at',
  'finished_at',
] as const;

export function toState(row: DeviceRow): DeviceState {
  return defined({
    ...(row.progress as Partial<DeviceState>),
    jobId: row.job_id,
    index: row.position,
    thingName: row.thing_name,
    status: row.status as DeviceStatus,
    inflight:
      row.inflight_step && row.inflight_at
        ? { step: row.inflight_step as DeviceStep, at: row.inflight_at.getTime() }
        : undefined,
    certificateId: row.certificate_id ?? undefined,
    certificateArn: row.certificate_arn ?? undefined,
    runs: row.runs,
    startedAt: ms(row.started_at),
    finishedAt: ms(row.finished_at),
  });
}

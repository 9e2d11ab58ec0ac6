import { JobError } from './job-error';
import { deviceKey, type JobCommit } from './store';
import { DEFAULT_JOB_SETTINGS, type DeviceInput, type DeviceState, type JobRecord, type JobSettings } from './types';

/**
 * A job before it starts: its record, then its devices added in batches. Pure: the runner (one store) and the
 * shared job service (straight into the database, lib/onboarding/bulk/jobs.ts) make the same records.
 */

export interface NewJob {
  name: string;
  policyName: string;
  policySource: 'template' | 'existing';
  total: number;
  settings?: Partial<JobSettings>;
  /** The user who created it (users.id): the actor of the job's own audit events. */
  createdBy?: string;
}

export function newJobRecord(input: NewJob, now: number): JobRecord {
  const settings: JobSettings = {
    ...DEFAULT_JOB_SETTINGS,
    ...input.settings,
    rates: { ...DEFAULT_JOB_SETTINGS.rates, ...input.settings?.rates },
  };
  return {
    id: crypto.randomUUID(),
    name: input.name,
    createdAt: now,
    updatedAt: now,
    status: 'draft',
    policyName: input.policyName,
    policySource: input.policySource,
    total: input.total,
    settings,
    ...(input.createdBy ? { createdBy: input.createdBy } : {}),
  };
}

/**
 * The records of devices added at list positions `from`… to a draft job. `taken` holds the thing names the job
 * already has: one thing per name, since CreateThing answers success for a repeat, which would give one thing
 * two certificates.
 */
export function newDeviceRecords(
  job: JobRecord,
  from: number,
  devices: DeviceInput[],
  taken: ReadonlySet<string>,
): Required<Pick<JobCommit, 'inputs' | 'states'>> {
  if (job.status !== 'draft') throw new JobError('Devices can only be added before the job starts.');
  if (from < 0 || from + devices.length > job.total)
    throw new JobError('More devices than the job was created for.', 'invalid');
  const names = new Set(taken);
  for (const d of devices) {
    if (names.has(d.thingName)) throw new JobError(`The name ${d.thingName} is in the job twice.`, 'invalid');
    names.add(d.thingName);
  }
  const inputs: [string, DeviceInput][] = [];
  const states: [string, DeviceState][] = [];
  devices.forEach((input, i) => {
    const index = from + i;
    const key = deviceKey(job.id, index);
    inputs.push([key, input]);
    states.push([key, { jobId: job.id, index, thingName: input.thingName, status: 'pending', runs: 0 }]);
  });
  return { inputs, states };
}

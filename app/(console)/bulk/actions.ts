'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { z } from 'zod';

import { audited } from '@/lib/audit/record';
import { refusedMessage, roleAction, roleCall } from '@/lib/auth/action';
import type { Operator } from '@/lib/auth/guard';
import { readIotConfig } from '@/lib/aws/config';
import { toAppError } from '@/lib/aws/errors';
import { createPolicy, policyExists } from '@/lib/aws/policies';
import { checkAgainstAws } from '@/lib/onboarding/bulk/preview';
import { rowsFromCsv, rowsFromGenerator, type BulkRow } from '@/lib/onboarding/bulk/rows';
import {
  deviceBatchSchema,
  jobOptionsSchema,
  ratesOf,
  totalSchema,
  type JobOptionsInput,
} from '@/lib/onboarding/bulk/schema';
import { failed, formValues, invalid, succeeded, type ActionState } from '@/lib/forms/action-state';
import { JobError } from '@/lib/onboarding/bulk/job-error';
import type { JobActor } from '@/lib/onboarding/bulk/jobs';
import { CLIENT_ADDRESS_HEADER } from '@/lib/server/client-address';
import { bulkJobs } from '@/lib/server/services';
import type { DeviceInput } from '@/lib/onboarding/bulk/types';
import { fieldIssues } from '@/lib/onboarding/schema';
import { findTemplate, renderTemplate, templateContext } from '@/lib/policies/templates';

/**
 * Bulk onboarding. The preview reads the list (CSV or prefix + count) and checks every row, by AWS's rules and
 * against AWS, creating nothing. The options form checks the policy and the limits. Then the page makes the
 * keys (in a worker) and creates the job: `createBulkJob` (the template policy, if any, and an empty job),
 * `addBulkDevices` in batches (names and CSRs: no private key), `startBulkJob`. Each action checks the role
 * (operator) first. Jobs live in the database, shared by every dashboard instance on it: a request may reach
 * any instance (lib/onboarding/bulk/jobs.ts).
 */

/** The operator as the job's audit events name them: who, from where (the address the server stamped). */
async function jobActor(operator: Operator): Promise<JobActor> {
  const h = await headers();
  const clientAddress = h.get(CLIENT_ADDRESS_HEADER);
  const userAgent = h.get('user-agent');
  return {
    id: operator.userId,
    name: operator.name,
    role: operator.role,
    ...(clientAddress ? { clientAddress } : {}),
    ...(userAgent ? { userAgent } : {}),
  };
}

const messageOf = (err: unknown, otherwise: string) => (err instanceof JobError ? err.message : otherwise);

export interface PreviewData {
  previewId: string;
  rows: BulkRow[];
}

const str = (fd: FormData, k: string) => {
  const v = fd.get(k);
  return typeof v === 'string' ? v : '';
};

const generatorSchema = z.object({
  prefix: z.string().trim().min(1, 'Give a name prefix, for example sensor-.').max(120, 'At most 120 characters.'),
  count: z.coerce
    .number('The count must be a number.')
    .int('A whole number.')
    .min(1, 'At least 1.')
    .max(5000, 'At most 5,000 per job.'),
  start: z.coerce.number('A number.').int('A whole number.').min(0, '0 or more.').max(999_999_999, 'Too large.'),
  digits: z.coerce.number('A number.').int('A whole number.').min(0, '0 to 9.').max(9, '0 to 9.'),
  attributes: z.string().max(4000),
  thingTypeName: z.string().trim(),
  thingGroupName: z.string().trim(),
});

export const previewBulkAction = roleAction(
  'operator',
  async (_operator, _prev: ActionState<PreviewData>, formData: FormData): Promise<ActionState<PreviewData>> => {
    const values = formValues(formData);
    const source = str(formData, 'source');
    let listed;
    if (source === 'generator') {
      const g = generatorSchema.safeParse({
        prefix: str(formData, 'prefix'),
        count: str(formData, 'count'),
        start: str(formData, 'start') || '1',
        digits: str(formData, 'digits') || '0',
        attributes: str(formData, 'genAttributes'),
        thingTypeName: str(formData, 'genThingType'),
        thingGroupName: str(formData, 'genThingGroup'),
      });
      if (!g.success) return invalid(g.error, values);
      listed = rowsFromGenerator({
        ...g.data,
        ...(g.data.thingTypeName ? { thingTypeName: g.data.thingTypeName } : {}),
        ...(g.data.thingGroupName ? { thingGroupName: g.data.thingGroupName } : {}),
      });
      if (!listed.ok) return invalid(fieldIssues([{ path: 'count', message: listed.error }]), values);
    } else {
      const csv = str(formData, 'csv');
      listed = rowsFromCsv(csv);
      if (!listed.ok) return invalid(fieldIssues([{ path: 'csv', message: listed.error }]), values);
    }
    try {
      await checkAgainstAws(listed.rows);
    } catch (err) {
      return failed(
        `Nothing was created. The list could not be checked against AWS IoT: ${toAppError(err).message}`,
        values,
      );
    }
    const bad = listed.rows.filter((r) => r.errors.length).length;
    return succeeded(
      bad
        ? `${listed.rows.length} devices read; ${bad} need attention. Nothing was created.`
        : `${listed.rows.length} devices read, all ready. Nothing was created yet.`,
      { previewId: crypto.randomUUID(), rows: listed.rows },
    );
  },
);

export interface ValidatedOptions {
  optionsId: string;
  options: JobOptionsInput;
}

function readOptions(fd: FormData): JobOptionsInput {
  return {
    jobName: str(fd, 'jobName'),
    policyMode: (str(fd, 'policyMode') || 'template') as 'template',
    templateId: str(fd, 'templateId') || 'thing-scoped',
    policyName: str(fd, 'policyName'),
    existingPolicyName: str(fd, 'existingPolicyName'),
    concurrency: str(fd, 'concurrency'),
    rateCreateThing: str(fd, 'rateCreateThing'),
    rateCreateCertificateFromCsr: str(fd, 'rateCreateCertificateFromCsr'),
    rateAttachPolicy: str(fd, 'rateAttachPolicy'),
    rateAttachThingPrincipal: str(fd, 'rateAttachThingPrincipal'),
  };
}

/** The options form: checked (and the policy against AWS) before any key is made. */
export const validateBulkOptionsAction = roleAction(
  'operator',
  async (
    _operator,
    _prev: ActionState<ValidatedOptions>,
    formData: FormData,
  ): Promise<ActionState<ValidatedOptions>> => {
    const values = formValues(formData);
    const input = readOptions(formData);
    const parsed = jobOptionsSchema.safeParse(input);
    if (!parsed.success) return invalid(parsed.error, values);
    const o = parsed.data;
    try {
      const name = o.policyMode === 'template' ? o.policyName : o.existingPolicyName;
      const exists = await policyExists(name);
      if (o.policyMode === 'template' && exists) {
        return invalid(
          fieldIssues([
            {
              path: 'policyName',
              message: `A policy named ${name} already exists. Give another name, or choose it as an existing policy.`,
            },
          ]),
          values,
        );
      }
      if (o.policyMode === 'existing' && !exists)
        return invalid(
          fieldIssues([{ path: 'existingPolicyName', message: `There is no policy named ${name}.` }]),
          values,
        );
    } catch (err) {
      return failed(toAppError(err).message, values);
    }
    return succeeded('Making keys…', { optionsId: crypto.randomUUID(), options: input });
  },
);

export type JobActionResult = { ok: true; jobId: string } | { ok: false; message: string };

/** Creates the template policy (if chosen) and an empty job for `total` devices. */
export const createBulkJob = roleCall(
  'operator',
  refusedMessage,
  z.tuple([z.looseObject({}), z.number()]),
  async (operator, options: JobOptionsInput, total: number): Promise<JobActionResult> => {
    const parsed = jobOptionsSchema.safeParse(options);
    const count = totalSchema.safeParse(total);
    if (!parsed.success || !count.success)
      return { ok: false, message: 'The job options are not valid; check the form again.' };
    const o = parsed.data;
    const policyName = o.policyMode === 'template' ? o.policyName : o.existingPolicyName;
    try {
      if (o.policyMode === 'template') {
        const template = findTemplate(o.templateId)!;
        // One policy for the whole fleet; the templates scope devices by their own thing name (policy variables).
        const document = renderTemplate(template, templateContext(readIotConfig().region, undefined));
        await audited(
          operator,
          {
            action: 'policy.create',
            resource: { type: 'policy', id: policyName },
            details: { template: template.id, for: 'bulk job' },
          },
          () => createPolicy(policyName, document),
          { after: (p) => ({ resource: { type: 'policy', id: p.name, arn: p.arn } }) },
        );
      } else if (!(await policyExists(policyName))) {
        return { ok: false, message: `There is no policy named ${policyName}.` };
      }
    } catch (err) {
      return { ok: false, message: `Nothing was created: ${toAppError(err).message}` };
    }
    try {
      const job = await (await bulkJobs()).createJob({
        name: o.jobName,
        policyName,
        policySource: o.policyMode,
        total: count.data,
        settings: { concurrency: o.concurrency, rates: ratesOf(o) },
        createdBy: operator.userId,
      });
      return { ok: true, jobId: job.id };
    } catch {
      return { ok: false, message: 'The job could not be created: the dashboard’s database is not available.' };
    }
  },
);

/** Names and CSRs (no private keys) for positions `from`… of a job not started yet. */
export const addBulkDevices = roleCall(
  'operator',
  refusedMessage,
  z.tuple([z.looseObject({ jobId: z.string(), from: z.number(), devices: z.array(z.looseObject({})) })]),
  async (
    _operator,
    input: {
      jobId: string;
      from: number;
      devices: DeviceInput[];
    },
  ): Promise<JobActionResult> => {
    const parsed = deviceBatchSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        message: `A device in this batch is not valid (${issue?.path.join('.')}: ${issue?.message}).`,
      };
    }
    try {
      await (await bulkJobs()).addDevices(parsed.data.jobId, parsed.data.from, parsed.data.devices as DeviceInput[]);
    } catch (err) {
      return { ok: false, message: messageOf(err, 'The devices could not be added.') };
    }
    return { ok: true, jobId: parsed.data.jobId };
  },
);

export const startBulkJob = roleCall(
  'operator',
  refusedMessage,
  z.tuple([z.string()]),
  async (operator, jobId: string): Promise<JobActionResult> => {
    if (!z.uuid().safeParse(jobId).success) return { ok: false, message: 'There is no such job.' };
    try {
      await (await bulkJobs()).startJob(jobId, await jobActor(operator));
    } catch (err) {
      return { ok: false, message: messageOf(err, 'The job could not start.') };
    }
    revalidatePath('/bulk');
    return { ok: true, jobId };
  },
);

const jobIdForm = z.object({ jobId: z.uuid('There is no such job.') });

/** Cancel, resume and retry: small forms on the job page. */
export const jobControlAction = roleAction(
  'operator',
  async (operator, _prev: ActionState, formData: FormData): Promise<ActionState> => {
    const parsed = jobIdForm.safeParse({ jobId: str(formData, 'jobId') });
    if (!parsed.success) return invalid(parsed.error);
    const { jobId } = parsed.data;
    const intent = str(formData, 'intent');
    let message: string;
    try {
      const jobs = await bulkJobs();
      const by = await jobActor(operator);
      if (intent === 'cancel') {
        await jobs.cancel(jobId, by);
        message = 'Cancelling: devices in progress finish or roll back; the rest stay pending.';
      } else if (intent === 'resume') {
        await jobs.startJob(jobId, by);
        message = 'Resumed: the pending devices are running.';
      } else if (intent === 'retry') {
        const n = await jobs.retry(jobId, by);
        message = n ? `Retrying ${n} device${n === 1 ? '' : 's'}.` : 'No failed devices to retry.';
      } else {
        return failed('Unknown action.');
      }
    } catch (err) {
      return failed(messageOf(err, 'The job could not be changed.'));
    }
    revalidatePath(`/bulk/${jobId}`);
    return succeeded(message);
  },
);

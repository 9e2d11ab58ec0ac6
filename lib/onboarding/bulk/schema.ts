import { z } from 'zod';

import { containsPrivateKey, MAX_PEM_LENGTH } from '../pem';
import { POLICY_TEMPLATES } from '../../policies/templates';
import { attributeValue, MAX_ATTRIBUTES_WITH_TYPE, MAX_ATTRIBUTES_WITHOUT_TYPE } from '../../validation/iot-names';
import { awsName, awsNameProblem } from '../../validation/messages';
import type { MAIN_OPERATIONS } from './types';
import { MAX_DEVICES } from './rows';

/**
 * What the bulk page's actions accept, checked again on the server (each action is a public endpoint): the
 * job's options from the form, and the devices with their CSRs in batches. Pure.
 */
export const DEVICE_BATCH = 200;

const intIn = (min: number, max: number, label: string) =>
  z.coerce
    .number(`${label} must be a number.`)
    .int(`${label} must be a whole number.`)
    .min(min, `${label} is at least ${min}.`)
    .max(max, `${label} is at most ${max}.`);

const templateIds = POLICY_TEMPLATES.map((t) => t.id);

/** The options form: policy (template or existing), concurrency and the four rates. */
export const jobOptionsSchema = z
  .object({
    jobName: z.string().trim().min(1, 'Give the job a name.').max(80, 'At most 80 characters.'),
    policyMode: z.enum(['template', 'existing'], 'Choose a template or an existing policy.'),
    templateId: z.string().refine((id) => templateIds.includes(id), 'Choose one of the templates.'),
    policyName: z.string().trim(),
    existingPolicyName: z.string().trim(),
    concurrency: intIn(1, 64, 'Concurrency'),
    rateCreateThing: intIn(1, 1000, 'The CreateThing rate'),
    rateCreateCertificateFromCsr: intIn(1, 1000, 'The CreateCertificateFromCsr rate'),
    rateAttachPolicy: intIn(1, 1000, 'The AttachPolicy rate'),
    rateAttachThingPrincipal: intIn(1, 1000, 'The AttachThingPrincipal rate'),
  })
  .superRefine((v, ctx) => {
    const name = v.policyMode === 'template' ? v.policyName : v.existingPolicyName;
    const path = v.policyMode === 'template' ? 'policyName' : 'existingPolicyName';
    if (!name) {
      ctx.addIssue({
        code: 'custom',
        path: [path],
        message: v.policyMode === 'template' ? 'Name the policy the template makes.' : 'Choose the policy to attach.',
      });
      return;
    }
    const problem = awsNameProblem('policyName', name);
    if (problem) ctx.addIssue({ code: 'custom', path: [path], message: problem });
  });

export type JobOptionsInput = z.input<typeof jobOptionsSchema>;
export type JobOptions = z.output<typeof jobOptionsSchema>;

export function ratesOf(o: JobOptions): Record<(typeof MAIN_OPERATIONS)[number], number> {
  return {
    CreateThing: o.rateCreateThing,
    CreateCertificateFromCsr: o.rateCreateCertificateFromCsr,
    AttachPolicy: o.rateAttachPolicy,
    AttachThingPrincipal: o.rateAttachThingPrincipal,
  };
}

const exact = { trim: false } as const;

export const deviceInputSchema = z
  .object({
    thingName: awsName('thingName', exact),
    // Values may be empty, as AWS allows (and the preview's CSV reader does): AWS's rule, then the plain words.
    attributes: z.record(
      awsName('attributeName', exact),
      z.string().superRefine((v, ctx) => {
        if (!attributeValue.safeParse(v).success)
          ctx.addIssue({ code: 'custom', message: awsNameProblem('attributeValue', v) ?? 'Not a valid value.' });
      }),
    ),
    thingTypeName: awsName('thingTypeName', exact).optional(),
    thingGroupName: awsName('thingGroupName', exact).optional(),
    csrPem: z
      .string()
      .max(MAX_PEM_LENGTH)
      // A private key must never reach the job store: refused first, without echoing it.
      .refine((s) => !containsPrivateKey(s), {
        message: 'This holds a private key; send only the CSR. The key stays in the browser.',
        abort: true,
      })
      .refine(
        (s) => /^-----BEGIN CERTIFICATE REQUEST-----[\s\S]+-----END CERTIFICATE REQUEST-----\s*$/.test(s.trim()),
        'Not a PEM certificate request.',
      ),
  })
  .refine(
    (d) =>
      Object.keys(d.attributes).length <= (d.thingTypeName ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE),
    'Too many attributes.',
  );

export const deviceBatchSchema = z.object({
  jobId: z.uuid(),
  from: z.number().int().min(0).max(MAX_DEVICES),
  devices: z.array(deviceInputSchema).min(1).max(DEVICE_BATCH),
});

export const totalSchema = z.number().int().min(1).max(MAX_DEVICES);

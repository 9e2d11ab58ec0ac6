import { z } from 'zod';

import {
  attributeName,
  attributeValue,
  certificateId,
  policyName,
  shadowName,
  thingGroupName,
  thingName,
  thingTypeName,
} from './iot-names';

/**
 * The dashboard's one translation table from AWS IoT's name and identifier rules to words a person can act on.
 * What is valid stays AWS's rule (lib/validation/iot-names.ts, shared with the emulator, which answers in AWS's
 * own words, "Member must satisfy regular expression pattern: ..."); every form and action of the dashboard that
 * checks one of these patterns takes its message from here instead. Pure: browser, server and tests.
 */

export type AwsNameField =
  | 'thingName'
  | 'thingTypeName'
  | 'thingGroupName'
  | 'policyName'
  | 'attributeName'
  | 'attributeValue'
  | 'shadowName'
  | 'certificateId';

interface NameRule {
  /** AWS's own schema: decides what is valid. */
  schema: z.ZodType<string>;
  /** "A thing name": the sentence's subject. */
  noun: string;
  /** What to type when the field is empty. */
  empty: string;
  max: number;
  /** The characters allowed, for a person: "letters, digits, and : _ - only". */
  chars: string;
  /** One character AWS allows (for listing the ones it does not). */
  allowed: RegExp;
}

const NAME_CHARS = 'letters, digits, and : _ - only';

export const AWS_NAME_RULES: Readonly<Record<AwsNameField, NameRule>> = {
  thingName: {
    schema: thingName,
    noun: 'A thing name',
    empty: 'Enter a thing name.',
    max: 128,
    chars: NAME_CHARS,
    allowed: /[a-zA-Z0-9:_-]/,
  },
  thingTypeName: {
    schema: thingTypeName,
    noun: 'A thing type name',
    empty: 'Enter a thing type name.',
    max: 128,
    chars: NAME_CHARS,
    allowed: /[a-zA-Z0-9:_-]/,
  },
  thingGroupName: {
    schema: thingGroupName,
    noun: 'A thing group name',
    empty: 'Enter a thing group name.',
    max: 128,
    chars: NAME_CHARS,
    allowed: /[a-zA-Z0-9:_-]/,
  },
  policyName: {
    schema: policyName,
    noun: 'A policy name',
    empty: 'Enter a policy name.',
    max: 128,
    chars: 'letters, digits, and _ + = , . @ - only',
    allowed: /[\w+=,.@-]/,
  },
  attributeName: {
    schema: attributeName,
    noun: 'An attribute name',
    empty: 'Enter an attribute name.',
    max: 128,
    chars: 'letters, digits, and _ . , @ / : # - only',
    allowed: /[a-zA-Z0-9_.,@/:#-]/,
  },
  attributeValue: {
    schema: attributeValue.min(1),
    noun: 'An attribute value',
    empty: 'Enter a value.',
    max: 800,
    chars: 'letters, digits, and _ . , @ / : # = [ ] - only',
    allowed: /[a-zA-Z0-9_.,@/:#=[\]-]/,
  },
  shadowName: {
    schema: shadowName,
    noun: 'A shadow name',
    empty: 'Give the shadow a name.',
    max: 64,
    chars: 'letters, digits, and $ : _ - only',
    allowed: /[$a-zA-Z0-9:_-]/,
  },
  certificateId: {
    schema: certificateId,
    noun: 'A certificate id',
    empty: 'Enter a certificate id.',
    max: 66,
    chars: 'exactly 64 hexadecimal characters (0-9, a-f)',
    allowed: /[0-9a-fA-Fx]/,
  },
};

/** `(no spaces)`, `(not "!" or spaces)`: the characters of `value` the rule does not allow, or '' when none. */
function notAllowed(value: string, allowed: RegExp): string {
  const bad = [...new Set([...value].filter((c) => !allowed.test(c)))];
  if (bad.length === 0) return '';
  const spaces = bad.some((c) => /\s/.test(c));
  const shown = bad.filter((c) => !/\s/.test(c)).map((c) => JSON.stringify(c));
  if (shown.length === 0) return ' (no spaces)';
  return ` (not ${[...shown, ...(spaces ? ['spaces'] : [])].join(', ').replace(/, ([^,]*)$/, ' or $1')})`;
}

/**
 * Why `value` is not a valid `field`, in plain words, or undefined when AWS would accept it. `empty` replaces the
 * message for an empty value where the form has its own ("Enter a value, or remove the row.").
 */
export function awsNameProblem(field: AwsNameField, value: string, opts: { empty?: string } = {}): string | undefined {
  const rule = AWS_NAME_RULES[field];
  if (rule.schema.safeParse(value).success) return undefined;
  if (value.length === 0) return opts.empty ?? rule.empty;
  if (field === 'certificateId') return `${rule.noun} is ${rule.chars}.`;
  if (value.length > rule.max) return `${rule.noun} is at most ${rule.max} characters (this one has ${value.length}).`;
  return `${rule.noun} can use ${rule.chars}${notAllowed(value, rule.allowed)}.`;
}

/**
 * A zod string that accepts what AWS accepts for `field` (trimmed first unless `trim: false`), with the plain-words
 * message: what the dashboard's form and action schemas use in place of the shared AWS-worded ones.
 */
export function awsName(field: AwsNameField, opts: { empty?: string; trim?: boolean } = {}) {
  const base = opts.trim === false ? z.string() : z.string().trim();
  return base.superRefine((value, ctx) => {
    const problem = awsNameProblem(field, value, opts);
    // `continue`: the form's other fields and cross-field rules are still checked, so one submit shows every
    // mistake (as AWS's own pattern checks do).
    if (problem) ctx.addIssue({ code: 'custom', message: problem, continue: true });
  });
}

/** An optional name: blank becomes undefined, anything else must be a valid `field`. */
export function optionalAwsName(field: AwsNameField) {
  return z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .pipe(awsName(field).optional());
}

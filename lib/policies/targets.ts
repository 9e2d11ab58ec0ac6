import { z } from 'zod';

/**
 * Policy targets as AWS IoT names them, and the operator's input for "attach to a certificate". Pure, so
 * the form's field errors and the server action's checks agree.
 */

export type PolicyTarget =
  | { kind: 'certificate'; arn: string; certificateId: string }
  | { kind: 'thingGroup'; arn: string; groupName: string }
  | { kind: 'other'; arn: string };

const CERT_ARN = /^arn:aws[\w-]*:iot:[a-z0-9-]+:\d{12}:cert\/([a-fA-F0-9]{64})$/;
const THING_GROUP_ARN = /^arn:aws[\w-]*:iot:[a-z0-9-]+:\d{12}:thinggroup\/([a-zA-Z0-9:_-]+)$/;
const CERT_ID = /^[a-fA-F0-9]{64}$/;

/** What a target string from ListTargetsForPolicy is. */
export function describeTarget(arn: string): PolicyTarget {
  const cert = CERT_ARN.exec(arn);
  if (cert) return { kind: 'certificate', arn, certificateId: cert[1]!.toLowerCase() };
  const group = THING_GROUP_ARN.exec(arn);
  if (group) return { kind: 'thingGroup', arn, groupName: group[1]! };
  return { kind: 'other', arn };
}

export type CertificateRef =
  | { kind: 'id'; certificateId: string }
  | { kind: 'arn'; arn: string; certificateId: string };

/** Parses a certificate id (64 hex characters) or certificate ARN typed by an operator. */
export function parseCertificateRef(input: string): CertificateRef | undefined {
  const value = input.trim();
  if (CERT_ID.test(value)) return { kind: 'id', certificateId: value.toLowerCase() };
  const cert = CERT_ARN.exec(value);
  if (cert) return { kind: 'arn', arn: value, certificateId: cert[1]!.toLowerCase() };
  return undefined;
}

/** The "attach to a certificate" field: a certificate id or ARN, with a message that says which forms work. */
export const certificateRefInput = z
  .string()
  .trim()
  .min(1, 'Enter a certificate id or certificate ARN.')
  .refine((v) => parseCertificateRef(v) !== undefined, {
    message:
      'Enter a certificate id (64 hexadecimal characters) or a certificate ARN such as arn:aws:iot:us-east-1:123456789012:cert/<id>.',
  });

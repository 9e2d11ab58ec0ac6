/**
 * A role alias chosen at onboarding: the device may then trade its certificate for AWS credentials at the
 * credentials provider. Pure: the name rule and the policy statement a template policy gets for it.
 */
import { z } from 'zod';

/** AWS's role alias names: 1-128 of `[\w=,@-]`. */
export const roleAliasName = z
  .string()
  .min(1, 'Choose a role alias.')
  .max(128, 'A role alias name is at most 128 characters.')
  .regex(/^[\w=,@-]+$/, 'A role alias name uses letters, digits and _ = , @ - only.');

/** The role alias's ARN, in the region and account of the thing's ARN. */
export function roleAliasArn(thingArn: string, alias: string): string {
  const [, partition = 'aws', , region = '*', account = '*'] = thingArn.split(':');
  return `arn:${partition}:iot:${region}:${account}:rolealias/${alias}`;
}

/**
 * A policy document with the statement that lets the device's certificate ask the credentials provider for
 * the alias's role (iot:AssumeRoleWithCertificate on the role alias ARN) added at the end.
 */
export function withAssumeRoleStatement(document: string, thingArn: string, alias: string): string {
  const doc = JSON.parse(document) as { Version: string; Statement: unknown[] };
  doc.Statement.push({
    Effect: 'Allow',
    Action: 'iot:AssumeRoleWithCertificate',
    Resource: roleAliasArn(thingArn, alias),
  });
  return JSON.stringify(doc, null, 2);
}

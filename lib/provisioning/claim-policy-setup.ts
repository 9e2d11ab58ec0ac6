import 'server-only';

import { readIotConfig } from '../aws/config';
import { createPolicy, getPolicy } from '../aws/policies';
import { claimPolicyDocument } from './claim-policy';

/**
 * The claim policy the dashboard keeps per fleet provisioning template: `<template>-ClaimPolicy`, the
 * least-privilege document of claim-policy.ts (connect, and the template's provisioning topics only). Made when
 * the template is created and again, if missing, before a claim certificate is attached to it.
 */
export const claimPolicyName = (templateName: string) => `${templateName}-ClaimPolicy`;

/** The claim policy's document for this account's region (any account id: it names no other resource). */
export const claimPolicyFor = (templateName: string) =>
  claimPolicyDocument({ templateName, region: readIotConfig().region });

export interface ClaimPolicyState {
  name: string;
  document: string;
  /** Whether the policy exists in AWS IoT now (false: it will be made with the first claim certificate). */
  exists: boolean;
}

export async function claimPolicyState(templateName: string): Promise<ClaimPolicyState> {
  const name = claimPolicyName(templateName);
  try {
    const policy = await getPolicy(name);
    return { name, document: policy.document, exists: true };
  } catch (err) {
    if ((err as { code?: string }).code !== 'not_found') throw err;
    return { name, document: claimPolicyFor(templateName), exists: false };
  }
}

/** Creates the claim policy unless it exists; answers its name and whether this call made it. */
export async function ensureClaimPolicy(templateName: string): Promise<{ name: string; created: boolean }> {
  const state = await claimPolicyState(templateName);
  if (state.exists) return { name: state.name, created: false };
  try {
    await createPolicy(state.name, state.document);
    return { name: state.name, created: true };
  } catch (err) {
    // Made meanwhile by another request: the same document.
    if ((err as { code?: string }).code !== 'already_exists') throw err;
    return { name: state.name, created: false };
  }
}

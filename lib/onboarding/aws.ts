import 'server-only';

import type { IoTClient } from '@aws-sdk/client-iot';

import {
  createCertificateFromCsr,
  createKeysAndCertificate,
  type IssuedCertificate,
  type IssuedKeysAndCertificate,
  type RegisterCertificateInput,
  type RegisteredCertificate,
  registerCertificate,
  registerCertificateWithoutCa,
} from '../aws/certificate-issuing';
import {
  type CertificateDetails,
  deleteCertificate,
  describeCertificate,
  type ListCertificatesInput,
  type ListCertificatesResult,
  listCertificates,
  type SettableStatus,
  updateCertificateStatus,
} from '../aws/certificates';
import { createPolicy, deletePolicy } from '../aws/policies';
import { attachPolicy, detachPolicy, listAttachedPolicies } from '../aws/policy-attachments';
import { attachThingPrincipal, detachThingPrincipal, listThingPrincipals } from '../aws/principals';
import { addThingToThingGroup } from '../aws/thing-groups';
import { type CreateThingInput, createThing, deleteThing, describeThing, type ThingDetail } from '../aws/things';
import type { Thing } from '../aws/types';

/**
 * The AWS calls onboarding makes, undoes and (after a restart) reads back, as one object: lib/aws's functions
 * bound to one client. One-screen onboarding uses the server's shared client; a bulk job one with the SDK's
 * retries off (it rate-limits and retries every call itself); tests wrap single calls to inject a crash.
 */
export interface OnboardingAws {
  createThing(input: CreateThingInput): Promise<Thing>;
  addThingToThingGroup(thingName: string, thingGroupName: string): Promise<void>;
  createCertificateFromCsr(csrPem: string): Promise<IssuedCertificate>;
  createKeysAndCertificate(): Promise<IssuedKeysAndCertificate>;
  registerCertificate(input: RegisterCertificateInput): Promise<RegisteredCertificate>;
  registerCertificateWithoutCa(
    input: Omit<RegisterCertificateInput, 'caCertificatePem'>,
  ): Promise<RegisteredCertificate>;
  createPolicy(name: string, document: string): Promise<{ name: string; arn: string | undefined }>;
  attachPolicy(policyName: string, target: string): Promise<void>;
  attachThingPrincipal(thingName: string, principal: string): Promise<void>;

  detachThingPrincipal(thingName: string, principal: string): Promise<void>;
  detachPolicy(policyName: string, target: string): Promise<void>;
  deletePolicy(name: string): Promise<void>;
  updateCertificateStatus(certificateId: string, status: SettableStatus): Promise<void>;
  deleteCertificate(certificateId: string): Promise<void>;
  deleteThing(thingName: string): Promise<void>;

  describeThing(thingName: string): Promise<ThingDetail>;
  listCertificates(input: ListCertificatesInput): Promise<ListCertificatesResult>;
  describeCertificate(certificateId: string): Promise<CertificateDetails>;
  listAttachedPolicies(target: string): Promise<string[]>;
  listThingPrincipals(thingName: string): Promise<string[]>;
}

/** lib/aws's functions on `client` (default: the server's shared client for the current configuration). */
export function onboardingAws(client?: IoTClient): OnboardingAws {
  const o = client ? { client } : {};
  return {
    createThing: (input) => createThing(input, o),
    addThingToThingGroup: (thingName, group) => addThingToThingGroup(thingName, group, o),
    createCertificateFromCsr: (csrPem) => createCertificateFromCsr(csrPem, o),
    createKeysAndCertificate: () => createKeysAndCertificate(o),
    registerCertificate: (input) => registerCertificate(input, o),
    registerCertificateWithoutCa: (input) => registerCertificateWithoutCa(input, o),
    createPolicy: (name, document) => createPolicy(name, document, o),
    attachPolicy: (policyName, target) => attachPolicy(policyName, target, o),
    attachThingPrincipal: (thingName, principal) => attachThingPrincipal(thingName, principal, o),
    detachThingPrincipal: (thingName, principal) => detachThingPrincipal(thingName, principal, o),
    detachPolicy: (policyName, target) => detachPolicy(policyName, target, o),
    deletePolicy: (name) => deletePolicy(name, o),
    updateCertificateStatus: (id, status) => updateCertificateStatus(id, status, o),
    deleteCertificate: (id) => deleteCertificate(id, o),
    deleteThing: (thingName) => deleteThing(thingName, o),
    describeThing: (thingName) => describeThing(thingName, o),
    listCertificates: (input) => listCertificates(input, o),
    describeCertificate: (id) => describeCertificate(id, o),
    listAttachedPolicies: (target) => listAttachedPolicies(target, o),
    listThingPrincipals: (thingName) => listThingPrincipals(thingName, o),
  };
}

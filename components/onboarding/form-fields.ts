import type { CredentialMode } from '@/lib/onboarding/types';

/** What the one-screen onboarding form holds while the operator fills it in. */
export interface OnboardFields {
  thingName: string;
  thingTypeName: string;
  thingGroupName: string;
  credentialMode: CredentialMode;
  keyAlgorithm: string;
  certificatePem: string;
  caCertificatePem: string;
  csrPem: string;
  policyMode: 'template' | 'existing';
  templateId: string;
  policyName: string;
  existingPolicyName: string;
  roleAlias: string;
}

export const INITIAL_FIELDS: OnboardFields = {
  thingName: '',
  thingTypeName: '',
  thingGroupName: '',
  credentialMode: 'browser-key',
  keyAlgorithm: 'EC',
  certificatePem: '',
  caCertificatePem: '',
  csrPem: '',
  policyMode: 'template',
  templateId: 'thing-scoped',
  policyName: '',
  existingPolicyName: '',
  roleAlias: '',
};

/** How a form section reads and changes the fields, and finds the server's errors for one. */
export interface FieldControls {
  fields: OnboardFields;
  set: <K extends keyof OnboardFields>(key: K, value: OnboardFields[K]) => void;
  text: (key: keyof OnboardFields) => { value: string; onChange: (e: { target: { value: string } }) => void };
  errors: (key: string) => string[] | undefined;
}

'use client';

import { SelectField } from '@/components/ui/form';

/**
 * The optional role alias of one-screen onboarding: with one, the device may trade its certificate for AWS
 * credentials at the credentials provider, and the bundle says how (lib/bundle/templates/credentials-provider.ts).
 * A policy made from a template gets the iot:AssumeRoleWithCertificate statement; an existing one must have it.
 */
export function RoleAliasField({
  aliases,
  policyMode,
  value,
  onChange,
  errors,
}: {
  aliases: readonly string[];
  policyMode: 'template' | 'existing';
  value: string;
  onChange: (value: string) => void;
  errors: string[] | undefined;
}) {
  const hint = !aliases.length
    ? 'No role aliases in this account yet (aws iot create-role-alias makes one).'
    : policyMode === 'template'
      ? 'The device may get temporary AWS credentials for this alias’s IAM role: the new policy allows iot:AssumeRoleWithCertificate on it, and the bundle has a ready curl line.'
      : 'The device may get temporary AWS credentials for this alias’s IAM role: the existing policy must allow iot:AssumeRoleWithCertificate on it.';
  return (
    <SelectField
      name="roleAlias"
      label="AWS credentials through a role alias (optional)"
      options={[{ value: '', label: 'None' }, ...aliases.map((a) => ({ value: a, label: a }))]}
      hint={hint}
      errors={errors}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

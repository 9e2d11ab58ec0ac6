import 'server-only';

import { DescribeRoleAliasCommand, ListRoleAliasesCommand } from '@aws-sdk/client-iot';

import { type CallOptions, callIot } from './call';
import { AppError } from './errors';

/**
 * Role aliases: the names devices ask the credentials provider for (DescribeEndpoint iot:CredentialProvider,
 * lib/aws/endpoint.ts), each pointing at an IAM role. Onboarding lets the operator pick one; creating them is
 * an administrator's job (aws iot create-role-alias), not this dashboard's.
 */

export interface RoleAlias {
  name: string;
  arn: string;
  roleArn: string;
  credentialDurationSeconds: number;
}

/** Every role alias name in the account (ListRoleAliases, paged through), sorted. */
export async function listRoleAliasNames(options: CallOptions = {}): Promise<string[]> {
  return callIot(
    'role alias list',
    async (client) => {
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const out = await client.send(new ListRoleAliasesCommand({ pageSize: 250, marker }));
        names.push(...(out.roleAliases ?? []));
        marker = out.nextMarker || undefined;
      } while (marker && names.length < 5000);
      return names.sort((a, b) => a.localeCompare(b));
    },
    options,
  );
}

/** DescribeRoleAlias. A missing alias throws AppError `not_found`. */
export async function describeRoleAlias(name: string, options: CallOptions = {}): Promise<RoleAlias> {
  return callIot(
    `role alias "${name}"`,
    async (client) => {
      const out = await client.send(new DescribeRoleAliasCommand({ roleAlias: name }));
      const d = out.roleAliasDescription;
      if (!d?.roleAliasArn) throw new AppError('not_found', `The role alias ${name} does not exist.`);
      return {
        name: d.roleAlias ?? name,
        arn: d.roleAliasArn,
        roleArn: d.roleArn ?? '',
        credentialDurationSeconds: d.credentialDurationSeconds ?? 3600,
      };
    },
    options,
  );
}

import { arns } from '../config';
import type { EmulatorContext } from '../context';
import { alreadyExists, invalidRequest, notFound } from '../errors';
import type { RoleAliasRecord } from '../store/records';
import { keysByCreation, type Page, pageByCreation } from './paging';
import { inTransaction, type Reader, type Transaction } from './transaction';

/**
 * Role aliases: the name a device asks the credentials provider for, pointing at an IAM role, with how long
 * the credentials it vends last (900 to 43,200 seconds, 3,600 by default). There is no IAM here: the role ARN
 * is checked for its shape only, and the credentials vended are throwaway (emulator/credentials/).
 */

export const DEFAULT_CREDENTIAL_DURATION_SECONDS = 3600;

/** An IAM role ARN: `arn:aws:iam::123456789012:role/path/name`. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

function checkRoleArn(roleArn: string) {
  if (!ROLE_ARN.test(roleArn)) {
    throw invalidRequest(`Role ARN ${roleArn.slice(0, 300)} is not a valid IAM role ARN.`);
  }
}

export function requireRoleAlias(r: Reader, name: string): RoleAliasRecord {
  const alias = r.c.roleAliases.get(name);
  if (!alias) throw notFound(`Role alias ${name} does not exist.`);
  return alias;
}

export interface NewRoleAlias {
  roleAlias: string;
  roleArn: string;
  credentialDurationSeconds?: number;
  tags?: RoleAliasRecord['tags'];
}

/** CreateRoleAlias; the name is taken once per account and region. */
export function createRoleAlias(ctx: EmulatorContext, input: NewRoleAlias, tx?: Transaction): RoleAliasRecord {
  return inTransaction(ctx, tx, (tx) => {
    const existing = tx.c.roleAliases.get(input.roleAlias);
    if (existing) {
      throw alreadyExists(`Role alias ${input.roleAlias} already exists.`, input.roleAlias, existing.roleAliasArn);
    }
    checkRoleArn(input.roleArn);
    const now = ctx.now();
    const record: RoleAliasRecord = {
      roleAlias: input.roleAlias,
      roleAliasArn: arns(ctx.config).roleAlias(input.roleAlias),
      roleArn: input.roleArn,
      credentialDurationSeconds: input.credentialDurationSeconds ?? DEFAULT_CREDENTIAL_DURATION_SECONDS,
      owner: ctx.config.accountId,
      creationDate: now,
      lastModifiedDate: now,
      ...(input.tags?.length ? { tags: input.tags } : {}),
    };
    tx.put('roleAliases', record.roleAlias, record);
    return record;
  });
}

/** UpdateRoleAlias: the role and the duration, each only when given. */
export function updateRoleAlias(
  ctx: EmulatorContext,
  name: string,
  update: { roleArn?: string; credentialDurationSeconds?: number },
  tx?: Transaction,
): RoleAliasRecord {
  return inTransaction(ctx, tx, (tx) => {
    const alias = requireRoleAlias(tx, name);
    if (update.roleArn !== undefined) checkRoleArn(update.roleArn);
    const updated: RoleAliasRecord = {
      ...alias,
      roleArn: update.roleArn ?? alias.roleArn,
      credentialDurationSeconds: update.credentialDurationSeconds ?? alias.credentialDurationSeconds,
      lastModifiedDate: ctx.now(),
    };
    tx.put('roleAliases', name, updated);
    return updated;
  });
}

/** DeleteRoleAlias: a missing alias is ResourceNotFoundException (AWS lists it among this operation's errors). */
export function deleteRoleAlias(ctx: EmulatorContext, name: string, tx?: Transaction): void {
  inTransaction(ctx, tx, (tx) => {
    requireRoleAlias(tx, name);
    tx.delete('roleAliases', name);
  });
}

/** ListRoleAliases: newest first unless ascending, paged by marker like the certificate lists. */
export function listRoleAliases(
  ctx: EmulatorContext,
  q: { marker?: string; pageSize: number; ascending: boolean },
): Page<RoleAliasRecord> {
  const coll = ctx.store.c.roleAliases;
  return pageByCreation(coll, keysByCreation(coll), q);
}

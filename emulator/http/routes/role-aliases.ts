import { z } from 'zod';
import {
  createRoleAlias,
  deleteRoleAlias,
  listRoleAliases,
  requireRoleAlias,
  updateRoleAlias,
} from '../../iot/role-aliases';
import type { RoleAliasRecord } from '../../store/records';
import { epochSeconds } from '../../time';
import { marker, pageSize, queryFlag, tags } from '../params';
import { type ApiRequest, ok, parseInput } from '../request';
import type { Route } from '../router';

/** CreateRoleAlias, DescribeRoleAlias, ListRoleAliases, UpdateRoleAlias, DeleteRoleAlias. */

const roleAliasName = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(128, 'Member must have length less than or equal to 128')
  .regex(/^[\w=,@-]+$/, 'Member must satisfy regular expression pattern: [\\w=,@-]+');

const roleArn = z
  .string({ message: 'Member must not be null' })
  .min(20, 'Member must have length greater than or equal to 20')
  .max(2048, 'Member must have length less than or equal to 2048');

const credentialDurationSeconds = z
  .number()
  .int()
  .min(900, 'Member must have value greater than or equal to 900')
  .max(43200, 'Member must have value less than or equal to 43200');

const createBody = z.object({
  roleArn,
  credentialDurationSeconds: credentialDurationSeconds.optional(),
  tags: tags.optional(),
});
const updateBody = z.object({
  roleArn: roleArn.optional(),
  credentialDurationSeconds: credentialDurationSeconds.optional(),
});
const listQuery = z.object({
  pageSize: pageSize(250).optional(),
  marker: marker.optional(),
  isAscendingOrder: queryFlag,
});

const nameParam = (req: ApiRequest) => parseInput(roleAliasName, req.params.roleAlias, 'roleAlias');
const created = (a: RoleAliasRecord) => ok({ roleAlias: a.roleAlias, roleAliasArn: a.roleAliasArn });

export const roleAliasesRoutes: Route[] = [
  {
    method: 'POST',
    path: '/role-aliases/{roleAlias}',
    operation: 'CreateRoleAlias',
    handler: (req, ctx) => {
      const roleAlias = nameParam(req);
      const body = parseInput(createBody, req.json());
      return created(createRoleAlias(ctx, { roleAlias, ...body }));
    },
  },
  {
    method: 'GET',
    path: '/role-aliases/{roleAlias}',
    operation: 'DescribeRoleAlias',
    handler: (req, ctx) => {
      const a = requireRoleAlias(ctx.store, nameParam(req));
      return ok({
        roleAliasDescription: {
          roleAlias: a.roleAlias,
          roleAliasArn: a.roleAliasArn,
          roleArn: a.roleArn,
          owner: a.owner,
          credentialDurationSeconds: a.credentialDurationSeconds,
          creationDate: epochSeconds(a.creationDate),
          lastModifiedDate: epochSeconds(a.lastModifiedDate),
        },
      });
    },
  },
  {
    method: 'PUT',
    path: '/role-aliases/{roleAlias}',
    operation: 'UpdateRoleAlias',
    handler: (req, ctx) => created(updateRoleAlias(ctx, nameParam(req), parseInput(updateBody, req.json()))),
  },
  {
    method: 'DELETE',
    path: '/role-aliases/{roleAlias}',
    operation: 'DeleteRoleAlias',
    handler: (req, ctx) => {
      deleteRoleAlias(ctx, nameParam(req));
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/role-aliases',
    operation: 'ListRoleAliases',
    handler: (req, ctx) => {
      const q = parseInput(listQuery, req.queryObject());
      const page = listRoleAliases(ctx, {
        marker: q.marker,
        pageSize: q.pageSize ?? 25,
        ascending: q.isAscendingOrder,
      });
      return ok({ roleAliases: page.items.map((a) => a.roleAlias), nextMarker: page.next });
    },
  },
];

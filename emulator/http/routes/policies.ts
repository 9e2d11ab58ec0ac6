import { z } from 'zod';
import { policyName } from '../../../lib/validation/iot-names';
import {
  createPolicy,
  createPolicyVersion,
  defaultVersion,
  deletePolicy,
  deletePolicyVersion,
  listPolicies,
  requirePolicy,
  requirePolicyVersion,
  setDefaultPolicyVersion,
} from '../../iot/policies';
import { epochSeconds } from '../../time';
import { marker, pageSize, queryBoolean, tags } from '../params';
import { type ApiRequest, ok, parseInput } from '../request';
import type { Route } from '../router';

/** Policies and their versions. Attaching them to targets is in ./policy-attachments.ts. */

const documentBody = z.object({ policyDocument: z.string({ message: 'Member must not be null' }) });
const createPolicyBody = documentBody.extend({ tags: tags.optional() });
const versionId = z.string().regex(/^[0-9]+$/, 'Member must satisfy regular expression pattern: [0-9]+');
const listQuery = z.object({
  marker: marker.optional(),
  pageSize: pageSize().optional(),
  isAscendingOrder: queryBoolean.optional(),
});

const nameParam = (req: ApiRequest) => parseInput(policyName, req.params.policyName, 'policyName');
const versionParam = (req: ApiRequest) => parseInput(versionId, req.params.policyVersionId, 'policyVersionId');

export const policiesRoutes: Route[] = [
  {
    method: 'POST',
    path: '/policies/{policyName}',
    operation: 'CreatePolicy',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const body = parseInput(createPolicyBody, req.json());
      const policy = createPolicy(ctx, name, body.policyDocument);
      return ok({
        policyName: name,
        policyArn: policy.policyArn,
        policyDocument: body.policyDocument,
        policyVersionId: policy.defaultVersionId,
      });
    },
  },
  {
    method: 'GET',
    path: '/policies/{policyName}',
    operation: 'GetPolicy',
    handler: (req, ctx) => {
      const policy = requirePolicy(ctx.store, nameParam(req));
      return ok({
        policyName: policy.policyName,
        policyArn: policy.policyArn,
        policyDocument: defaultVersion(policy).document,
        defaultVersionId: policy.defaultVersionId,
        creationDate: epochSeconds(policy.creationDate),
        lastModifiedDate: epochSeconds(policy.lastModifiedDate),
        generationId: policy.generationId,
      });
    },
  },
  {
    method: 'DELETE',
    path: '/policies/{policyName}',
    operation: 'DeletePolicy',
    handler: (req, ctx) => {
      deletePolicy(ctx, nameParam(req));
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/policies',
    operation: 'ListPolicies',
    handler: (req, ctx) => {
      const q = parseInput(listQuery, req.queryObject());
      const page = listPolicies(ctx, {
        ascending: q.isAscendingOrder ?? true,
        token: q.marker,
        limit: q.pageSize ?? 250,
      });
      return ok({
        policies: page.items.map((p) => ({ policyName: p.policyName, policyArn: p.policyArn })),
        nextMarker: page.next,
      });
    },
  },
  {
    method: 'POST',
    path: '/policies/{policyName}/version',
    operation: 'CreatePolicyVersion',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const body = parseInput(documentBody, req.json());
      const { setAsDefault = false } = parseInput(
        z.object({ setAsDefault: queryBoolean.optional() }),
        req.queryObject(),
      );
      const { policy, versionId: id } = createPolicyVersion(ctx, name, body.policyDocument, setAsDefault);
      return ok({
        policyArn: policy.policyArn,
        policyDocument: body.policyDocument,
        policyVersionId: id,
        isDefaultVersion: setAsDefault,
      });
    },
  },
  {
    method: 'GET',
    path: '/policies/{policyName}/version',
    operation: 'ListPolicyVersions',
    handler: (req, ctx) => {
      const policy = requirePolicy(ctx.store, nameParam(req));
      // Newest first, as IAM and AWS IoT list them.
      const versions = [...policy.versions].sort((a, b) => Number(b.versionId) - Number(a.versionId));
      return ok({
        policyVersions: versions.map((v) => ({
          versionId: v.versionId,
          isDefaultVersion: v.versionId === policy.defaultVersionId,
          createDate: epochSeconds(v.createDate),
        })),
      });
    },
  },
  {
    method: 'GET',
    path: '/policies/{policyName}/version/{policyVersionId}',
    operation: 'GetPolicyVersion',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const id = versionParam(req);
      const policy = requirePolicy(ctx.store, name);
      const version = requirePolicyVersion(policy, id);
      return ok({
        policyArn: policy.policyArn,
        policyName: policy.policyName,
        policyDocument: version.document,
        policyVersionId: version.versionId,
        isDefaultVersion: version.versionId === policy.defaultVersionId,
        creationDate: epochSeconds(version.createDate),
        lastModifiedDate: epochSeconds(policy.lastModifiedDate),
        generationId: policy.generationId,
      });
    },
  },
  {
    method: 'PATCH',
    path: '/policies/{policyName}/version/{policyVersionId}',
    operation: 'SetDefaultPolicyVersion',
    handler: (req, ctx) => {
      const name = nameParam(req);
      setDefaultPolicyVersion(ctx, name, versionParam(req));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/policies/{policyName}/version/{policyVersionId}',
    operation: 'DeletePolicyVersion',
    handler: (req, ctx) => {
      const name = nameParam(req);
      deletePolicyVersion(ctx, name, versionParam(req));
      return ok({});
    },
  },
];

import { z } from 'zod';
import { policyName } from '../../../lib/validation/iot-names';
import {
  attachPolicy,
  detachPolicy,
  listAttachedPolicies,
  listPolicyPrincipals,
  listPrincipalPolicies,
  listTargetsForPolicy,
} from '../../iot/policy-attachments';
import type { PolicyRecord } from '../../store/records';
import { marker, pageSize, queryBoolean } from '../params';
import { type ApiRequest, ok, parseInput } from '../request';
import type { Route } from '../router';

/**
 * Attaching policies to targets (certificates, thing groups, Cognito identities) and listing the attachments,
 * including the deprecated principal-policy operations that older scripts and the CLI's attach-principal-policy
 * still use.
 */

const targetBody = z.object({ target: z.string({ message: 'Member must not be null' }).min(1) });
const markerQuery = z.object({
  marker: marker.optional(),
  pageSize: pageSize().optional(),
  isAscendingOrder: queryBoolean.optional(),
  recursive: queryBoolean.optional(),
});

const nameParam = (req: ApiRequest) => parseInput(policyName, req.params.policyName, 'policyName');
/** The principal of the deprecated operations travels in `x-amzn-iot-principal`. */
const iotPrincipalHeader = (req: ApiRequest) => req.requiredHeader('x-amzn-iot-principal', 'principal');

function pageQuery(req: ApiRequest) {
  const q = parseInput(markerQuery, req.queryObject());
  return { token: q.marker, limit: q.pageSize ?? 250, ascending: q.isAscendingOrder ?? true, recursive: q.recursive };
}

const policySummary = (p: PolicyRecord) => ({ policyName: p.policyName, policyArn: p.policyArn });

export const policyAttachmentsRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/target-policies/{policyName}',
    operation: 'AttachPolicy',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const { target } = parseInput(targetBody, req.json());
      attachPolicy(ctx, name, target);
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/target-policies/{policyName}',
    operation: 'DetachPolicy',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const { target } = parseInput(targetBody, req.json());
      detachPolicy(ctx, name, target);
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/attached-policies/{target}',
    operation: 'ListAttachedPolicies',
    handler: (req, ctx) => {
      const page = listAttachedPolicies(ctx, req.params.target!, pageQuery(req));
      return ok({ policies: page.items.map(policySummary), nextMarker: page.next });
    },
  },
  {
    method: 'POST',
    path: '/policy-targets/{policyName}',
    operation: 'ListTargetsForPolicy',
    handler: (req, ctx) => {
      const name = nameParam(req);
      const page = listTargetsForPolicy(ctx, name, pageQuery(req));
      return ok({ targets: page.items.map((a) => a.target), nextMarker: page.next });
    },
  },
  {
    method: 'PUT',
    path: '/principal-policies/{policyName}',
    operation: 'AttachPrincipalPolicy',
    handler: (req, ctx) => {
      attachPolicy(ctx, nameParam(req), iotPrincipalHeader(req));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/principal-policies/{policyName}',
    operation: 'DetachPrincipalPolicy',
    handler: (req, ctx) => {
      const name = nameParam(req);
      detachPolicy(ctx, name, iotPrincipalHeader(req), { strict: true });
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/principal-policies',
    operation: 'ListPrincipalPolicies',
    handler: (req, ctx) => {
      const principal = iotPrincipalHeader(req);
      const page = listPrincipalPolicies(ctx, principal, pageQuery(req));
      return ok({ policies: page.items.map(policySummary), nextMarker: page.next });
    },
  },
  {
    method: 'GET',
    path: '/policy-principals',
    operation: 'ListPolicyPrincipals',
    handler: (req, ctx) => {
      const name = parseInput(policyName, req.header('x-amzn-iot-policy') ?? '', 'policyName');
      const page = listPolicyPrincipals(ctx, name, pageQuery(req));
      return ok({ principals: page.items.map((a) => a.target), nextMarker: page.next });
    },
  },
];

import type { Route } from '../router';
import { adminRoutes } from './admin';
import { caCertificatesRoutes } from './ca-certificates';
import { certificatesRoutes } from './certificates';
import { dynamicThingGroupsRoutes } from './dynamic-thing-groups';
import { endpointRoutes } from './endpoint';
import { indexingRoutes } from './indexing';
import { messagesRoutes } from './messages';
import { policiesRoutes } from './policies';
import { policyAttachmentsRoutes } from './policy-attachments';
import { principalsRoutes } from './principals';
import { roleAliasesRoutes } from './role-aliases';
import { provisioningTemplatesRoutes } from './provisioning-templates';
import { shadowsRoutes } from './shadows';
import { testAuthorizationRoutes } from './test-authorization';
import { thingGroupsRoutes } from './thing-groups';
import { thingTypesRoutes } from './thing-types';
import { thingsRoutes } from './things';

/** The whole route table: AWS operations by method and path, plus the admin routes. */
export const allRoutes: Route[] = [
  ...adminRoutes,
  ...thingsRoutes,
  ...thingTypesRoutes,
  ...thingGroupsRoutes,
  ...certificatesRoutes,
  ...caCertificatesRoutes,
  ...policiesRoutes,
  ...policyAttachmentsRoutes,
  ...principalsRoutes,
  ...endpointRoutes,
  ...shadowsRoutes,
  ...messagesRoutes,
  ...testAuthorizationRoutes,
  ...roleAliasesRoutes,
  ...indexingRoutes,
  ...dynamicThingGroupsRoutes,
  ...provisioningTemplatesRoutes,
];

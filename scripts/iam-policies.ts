/**
 * The dashboard's IAM policies, one per role, generated from the AWS operations the code sends: every SDK Command
 * constructed under lib/aws (each has exactly one home there: scripts/architecture.test.ts), mapped to its IAM
 * action, plus what the MQTT test client does over the broker (not an SDK command). Each operation belongs to the
 * least role whose pages, actions or routes send it; a larger role's policy holds the smaller ones'.
 *
 *   npx tsx scripts/iam-policies.ts          writes docs/iam/dashboard-<role>.json
 *   scripts/iam-policies.test.ts             fails when the code sends an operation the written policies lack
 *
 * Resources are "*": the dashboard manages every thing, certificate and policy of its account and region. Narrow
 * them by ARN (arn:aws:iot:<region>:<account>:thing/<prefix>*) when it should manage only some.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The least role that sends each operation, and why when it is not obvious. A new operation under lib/aws must be
 * placed here (the test names it), which is the moment to decide who may send it.
 */
export const OPERATION_ROLE: Readonly<Record<string, Role>> = {
  // viewer: every page's reads, and the connection check (a viewer's page), whose echo writes the desired state.
  DescribeThing: 'viewer',
  ListThings: 'viewer',
  ListThingTypes: 'viewer',
  DescribeThingType: 'viewer',
  ListThingGroups: 'viewer',
  DescribeThingGroup: 'viewer',
  ListThingGroupsForThing: 'viewer',
  ListThingsInThingGroup: 'viewer',
  ListThingPrincipals: 'viewer',
  ListPrincipalThings: 'viewer',
  ListCertificates: 'viewer',
  DescribeCertificate: 'viewer',
  ListCertificatesByCA: 'viewer',
  ListCACertificates: 'viewer',
  DescribeCACertificate: 'viewer',
  ListPolicies: 'viewer',
  GetPolicy: 'viewer',
  ListPolicyVersions: 'viewer',
  GetPolicyVersion: 'viewer',
  ListTargetsForPolicy: 'viewer',
  ListAttachedPolicies: 'viewer',
  TestAuthorization: 'viewer',
  GetThingShadow: 'viewer',
  ListNamedShadowsForThing: 'viewer',
  UpdateThingShadow: 'viewer',
  DescribeEndpoint: 'viewer',
  GetIndexingConfiguration: 'viewer',
  SearchIndex: 'viewer',
  GetStatistics: 'viewer',
  ListRoleAliases: 'viewer',
  DescribeRoleAlias: 'viewer',
  ListProvisioningTemplates: 'viewer',
  DescribeProvisioningTemplate: 'viewer',
  ListProvisioningTemplateVersions: 'viewer',
  DescribeProvisioningTemplateVersion: 'viewer',
  // operator: onboarding (one device and bulk) with its rollback, attributes and groups, shadows, certificate status.
  CreateThing: 'operator',
  UpdateThing: 'operator',
  AddThingToThingGroup: 'operator',
  CreateKeysAndCertificate: 'operator',
  CreateCertificateFromCsr: 'operator',
  RegisterCertificate: 'operator',
  RegisterCertificateWithoutCA: 'operator',
  UpdateCertificate: 'operator',
  CreatePolicy: 'operator',
  AttachPolicy: 'operator',
  AttachThingPrincipal: 'operator',
  // An onboarding that fails part-way undoes what it made: the operator's rollback deletes and detaches.
  DetachThingPrincipal: 'operator',
  DetachPolicy: 'operator',
  DeleteThing: 'operator',
  DeleteCertificate: 'operator',
  DeletePolicy: 'operator',
  // admin: CAs and JITP, policy versions, shadows' deletion, fleet provisioning templates and claims.
  GetRegistrationCode: 'admin',
  RegisterCACertificate: 'admin',
  UpdateCACertificate: 'admin',
  DeleteCACertificate: 'admin',
  CreatePolicyVersion: 'admin',
  SetDefaultPolicyVersion: 'admin',
  DeletePolicyVersion: 'admin',
  DeleteThingShadow: 'admin',
  CreateProvisioningTemplate: 'admin',
  UpdateProvisioningTemplate: 'admin',
  DeleteProvisioningTemplate: 'admin',
  CreateProvisioningTemplateVersion: 'admin',
  DeleteProvisioningTemplateVersion: 'admin',
  CreateProvisioningClaim: 'admin',
};

/** IAM actions whose name differs from the operation's (none in AWS IoT today; kept so a new one has a place). */
const ACTION_OF: Readonly<Record<string, string>> = {};

export const iamAction = (operation: string) => ACTION_OF[operation] ?? `iot:${operation}`;

/** What the MQTT test client does over the broker's WebSocket (lib/mqtt/sessions.ts), by the least role. */
export const MQTT_ACTIONS: Readonly<Record<Role, readonly string[]>> = {
  viewer: ['iot:Connect', 'iot:Subscribe', 'iot:Receive'],
  operator: ['iot:Publish'],
  admin: [],
};

/** JITP templates and fleet provisioning templates name a role AWS IoT assumes: registering them passes it. */
const PASS_ROLE = {
  Sid: 'PassProvisioningRoleToIot',
  Effect: 'Allow',
  Action: 'iam:PassRole',
  Resource: '*',
  Condition: { StringEquals: { 'iam:PassedToService': 'iot.amazonaws.com' } },
} as const;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

/** Every operation the code sends: the SDK Commands constructed under lib/aws. */
export function sentOperations(base = root): string[] {
  const found = new Set<string>();
  for (const file of sourceFiles(path.join(base, 'lib/aws'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/new ([A-Z][A-Za-z]+)Command\(/g)) found.add(m[1]!);
  }
  return [...found].sort();
}

const upTo = (role: Role) => ROLES.slice(0, ROLES.indexOf(role) + 1);

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: Record<string, unknown>[];
}

/** The policy of `role` for the operations sent; throws naming any operation OPERATION_ROLE does not place. */
export function policyFor(role: Role, operations: readonly string[] = sentOperations()): IamPolicy {
  const unplaced = operations.filter((op) => !OPERATION_ROLE[op]);
  if (unplaced.length)
    throw new Error(`Place these operations in OPERATION_ROLE (scripts/iam-policies.ts): ${unplaced.join(', ')}`);
  const roles = upTo(role);
  const control = operations.filter((op) => roles.includes(OPERATION_ROLE[op]!)).map(iamAction);
  const mqtt = roles.flatMap((r) => MQTT_ACTIONS[r]);
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'IotControlPlaneAndShadows', Effect: 'Allow', Action: [...new Set(control)].sort(), Resource: '*' },
      { Sid: 'MqttTestClient', Effect: 'Allow', Action: [...mqtt].sort(), Resource: '*' },
      ...(role === 'admin' ? [PASS_ROLE] : []),
    ],
  };
}

export const policyFile = (role: Role, base = root) => path.join(base, 'docs', 'iam', `dashboard-${role}.json`);

export const policyText = (role: Role, operations?: readonly string[]) =>
  `${JSON.stringify(policyFor(role, operations), null, 2)}\n`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const role of ROLES) {
    fs.mkdirSync(path.dirname(policyFile(role)), { recursive: true });
    fs.writeFileSync(policyFile(role), policyText(role));
    console.log(`wrote ${path.relative(root, policyFile(role))}`);
  }
}

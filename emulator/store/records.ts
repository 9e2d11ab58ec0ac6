import { CERTIFICATE_STATUSES, type CertificateStatus } from '../../lib/iot/certificate-status';
import type { DeletedShadow, StoredShadow } from '../shadow/document';

/**
 * The emulator's durable records, one type per collection. Records are plain JSON (timestamps are
 * epoch milliseconds) because they are written verbatim to the journal and the snapshot.
 */

export { CERTIFICATE_STATUSES, type CertificateStatus };

export type CertificateMode = 'DEFAULT' | 'SNI_ONLY';

export interface ThingRecord {
  thingName: string;
  thingId: string;
  thingArn: string;
  thingTypeName?: string;
  billingGroupName?: string;
  attributes: Record<string, string>;
  version: number;
  createdAt: number;
}

export interface ThingTypeRecord {
  thingTypeName: string;
  thingTypeId: string;
  thingTypeArn: string;
  properties: { thingTypeDescription?: string; searchableAttributes?: string[] };
  deprecated: boolean;
  deprecationDate?: number;
  creationDate: number;
}

export interface ThingGroupRecord {
  thingGroupName: string;
  thingGroupId: string;
  thingGroupArn: string;
  parentGroupName?: string;
  version: number;
  properties: { thingGroupDescription?: string; attributePayload?: { attributes?: Record<string, string> } };
  creationDate: number;
  /** Dynamic thing groups only: the fleet-indexing query whose matches are its members. */
  dynamic?: { indexName: string; queryString: string; queryVersion: string };
}

export interface ThingGroupMemberRecord {
  thingGroupName: string;
  thingName: string;
}

export interface CertificateRecord {
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
  status: CertificateStatus;
  /** Id of the registered CA that signed it (RegisterCertificate, JITR) or of the emulator's issuing CA. */
  caCertificateId?: string;
  certificateMode: CertificateMode;
  ownedBy: string;
  creationDate: number;
  lastModifiedDate: number;
  customerVersion: number;
  generationId: string;
  notBefore: number;
  notAfter: number;
}

export interface RegistrationConfig {
  templateBody?: string;
  roleArn?: string;
  templateName?: string;
}

export interface CaCertificateRecord {
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
  status: 'ACTIVE' | 'INACTIVE';
  autoRegistrationStatus: 'ENABLE' | 'DISABLE';
  registrationConfig?: RegistrationConfig;
  /** Tags given to RegisterCACertificate. */
  tags?: { Key: string; Value?: string }[];
  certificateMode: CertificateMode;
  ownedBy: string;
  creationDate: number;
  lastModifiedDate: number;
  customerVersion: number;
  generationId: string;
  notBefore: number;
  notAfter: number;
}

export interface PolicyVersionRecord {
  versionId: string;
  document: string;
  createDate: number;
}

export interface PolicyRecord {
  policyName: string;
  policyArn: string;
  defaultVersionId: string;
  /** Every version that exists now, oldest first; at most five (VersionsLimitExceededException). */
  versions: PolicyVersionRecord[];
  /** Version ids are never reused, even after a version is deleted. */
  nextVersionId: number;
  creationDate: number;
  lastModifiedDate: number;
  generationId: string;
}

export interface PolicyAttachmentRecord {
  policyName: string;
  /** A certificate ARN, a thing group ARN, or any other principal ARN. */
  target: string;
  /** Epoch ms; orders ListPrincipalPolicies (isAscendingOrder). Absent on records from before it was kept. */
  attachedAt?: number;
}

export interface ThingPrincipalRecord {
  thingName: string;
  principal: string;
  type: 'EXCLUSIVE_THING' | 'NON_EXCLUSIVE_THING';
  attachedAt: number;
}

/** A device shadow, live or deleted (a tombstone keeps the version counter); see emulator/shadow/document.ts. */
export interface ShadowRecord {
  thingName: string;
  /** '' for the classic (unnamed) shadow. */
  shadowName: string;
  shadow: StoredShadow | DeletedShadow;
}

/** A retained MQTT message, as GetRetainedMessage reports it. */
export interface RetainedMessageRecord {
  topic: string;
  /** Base64 of the payload bytes. */
  payload: string;
  qos: 0 | 1;
  lastModifiedTime: number;
}

/** A role alias: the IAM role the credentials provider vends credentials for (AWS never checks it here). */
export interface RoleAliasRecord {
  roleAlias: string;
  roleAliasArn: string;
  roleArn: string;
  credentialDurationSeconds: number;
  owner: string;
  creationDate: number;
  lastModifiedDate: number;
  tags?: { Key: string; Value?: string }[];
}

/** What fleet indexing knows of one MQTT client id's connection, from the broker's lifecycle events. */
export interface ConnectivityRecord {
  clientId: string;
  connected: boolean;
  /** Epoch ms of the event that set this state. */
  timestamp: number;
  /** Of the last disconnect (AWS's disconnectReason values); absent while connected for the first time. */
  disconnectReason?: string;
  versionNumber?: number;
}

export interface ProvisioningHookRecord {
  /** A Lambda function ARN; the emulator calls the HTTP endpoint configured for it (config.lambdaEndpoints). */
  targetArn: string;
  payloadVersion: string;
}

export interface ProvisioningTemplateVersionRecord {
  versionId: number;
  templateBody: string;
  creationDate: number;
}

/** A provisioning template (CreateProvisioningTemplate): fleet provisioning or JITP, with its versions. */
export interface ProvisioningTemplateRecord {
  templateName: string;
  templateArn: string;
  type: 'FLEET_PROVISIONING' | 'JITP';
  description?: string;
  enabled: boolean;
  provisioningRoleArn: string;
  preProvisioningHook?: ProvisioningHookRecord;
  tags?: { Key: string; Value?: string }[];
  defaultVersionId: number;
  /** Every version that exists now, oldest first (at most five). */
  versions: ProvisioningTemplateVersionRecord[];
  /** Version ids are never reused, even after a version is deleted. */
  nextVersionId: number;
  creationDate: number;
  lastModifiedDate: number;
}

/**
 * A temporary claim (CreateProvisioningClaim): its certificate lets a device connect and use the template's fleet
 * provisioning topics until `expiration`. Kept apart from `certificates`: AWS does not list claim certificates.
 */
export interface ProvisioningClaimRecord {
  certificateId: string;
  certificatePem: string;
  templateName: string;
  creationDate: number;
  expiration: number;
}

/**
 * A certificate ownership token handed out with a certificate made over MQTT (CreateKeysAndCertificate,
 * CreateCertificateFromCsr); RegisterThing spends it. Keyed by the token's SHA-256, so the store never holds a
 * token a device could present.
 */
export interface OwnershipTokenRecord {
  tokenHash: string;
  certificateId: string;
  /** The certificate of the connection that asked for it (the claim). */
  claimCertificateId: string;
  expiration: number;
}

/** Every collection the store keeps, by name. Later parts (shadows, retained messages) add theirs here. */
export interface Collections {
  things: ThingRecord;
  thingTypes: ThingTypeRecord;
  thingGroups: ThingGroupRecord;
  thingGroupMembers: ThingGroupMemberRecord;
  certificates: CertificateRecord;
  caCertificates: CaCertificateRecord;
  policies: PolicyRecord;
  policyAttachments: PolicyAttachmentRecord;
  thingPrincipals: ThingPrincipalRecord;
  /** Account-wide settings that never change once made: registration code, endpoint prefix. */
  meta: { value: string };
  /** Key: pairKey(thingName, shadowName). */
  shadows: ShadowRecord;
  /** Key: topic. */
  retained: RetainedMessageRecord;
  /** Key: role alias name. */
  roleAliases: RoleAliasRecord;
  /** Key: MQTT client id. */
  connectivity: ConnectivityRecord;
  /** Key: 'configuration': the account's fleet indexing configuration (emulator/indexing/configuration.ts). */
  indexing: { value: unknown };
  /** Key: template name. */
  provisioningTemplates: ProvisioningTemplateRecord;
  /** Key: the claim certificate's id. */
  provisioningClaims: ProvisioningClaimRecord;
  /** Key: the token's SHA-256 (hex). */
  ownershipTokens: OwnershipTokenRecord;
}

export type CollectionName = keyof Collections;

/** Composite keys join their parts with a character no name may contain. */
export const pairKey = (a: string, b: string) => `${a}\n${b}`;

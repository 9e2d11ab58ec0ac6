/**
 * The AWS IoT quotas the registry enforces, in one place. Attribute limits live with the attribute schemas
 * (lib/validation/iot-names.ts: 50 with a thing type, 3 without) because the dashboard's forms check them too.
 */

/** A policy keeps at most five versions (CreatePolicyVersion then answers VersionsLimitExceededException). */
export const MAX_POLICY_VERSIONS = 5;

/** Policies attached to one target (certificate, thing group, Cognito identity): AWS's default quota. */
export const MAX_POLICIES_PER_TARGET = 10;

/** Registered CA certificates with the same subject in one account and region. */
export const MAX_CAS_PER_SUBJECT = 10;

/** Provisioning templates in one account and region (AWS's default quota). */
export const MAX_PROVISIONING_TEMPLATES = 256;

/** A provisioning template keeps at most five versions (CreateProvisioningTemplateVersion: VersionsLimitExceeded). */
export const MAX_PROVISIONING_TEMPLATE_VERSIONS = 5;

/**
 * How long a certificate ownership token from CreateKeysAndCertificate or CreateCertificateFromCsr (over MQTT)
 * stays good: one hour. A certificate not registered by then is deleted.
 */
export const OWNERSHIP_TOKEN_TTL_MS = 60 * 60 * 1000;

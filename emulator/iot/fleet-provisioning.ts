import { createHash, randomBytes } from 'node:crypto';
import type { EmulatorContext } from '../context';
import { AwsError } from '../errors';
import { type GeneratedKeyPair, generateRsaKeyPair } from '../pki/certificates';
import { certificateParametersFor, evaluateProvisioningTemplate, TemplateError } from '../provisioning/template';
import type { CertificateRecord, OwnershipTokenRecord, ProvisioningTemplateRecord } from '../store/records';
import { addCertificate, csrKey, issueCertificateRecord } from './certificates';
import { OWNERSHIP_TOKEN_TTL_MS } from './limits';
import { applyProvisioningPlan } from './provision';
import { defaultTemplateBody } from './provisioning-templates';
import type { Reader } from './transaction';

/**
 * Fleet provisioning's rules (AWS IoT developer guide, "Device provisioning MQTT API"), whichever transport
 * carries them (emulator/provisioning/fleet/service.ts serves them on MQTT):
 * - CreateKeysAndCertificate / CreateCertificateFromCsr issue a certificate in PENDING_ACTIVATION with a
 *   certificate ownership token bound to it: good for one hour, spent by the one RegisterThing it authorises.
 *   The token is stored only as its SHA-256.
 * - RegisterThing runs the named FLEET_PROVISIONING template (enabled) for the token's certificate: its
 *   pre-provisioning hook first (allowProvisioning, parameterOverrides), then the same template engine and
 *   registry operations as JITP, all in one transaction with the token spent; anything refused leaves nothing
 *   behind (the certificate stays PENDING_ACTIVATION and the token stays good until it expires).
 * - `sweepFleetProvisioning` deletes expired tokens and, with them, certificates that were never registered
 *   (still PENDING_ACTIVATION, attached to nothing), and expired CreateProvisioningClaim claims.
 *
 * Refusals are `ProvisioningRejection`s: the `{statusCode, errorCode, errorMessage}` of a `/rejected` answer.
 * AWS documents the shape but few codes; InvalidCertificateOwnershipToken ("Certificate ownership token cannot
 * be empty.") is one seen from AWS, ACCESS_DENIED for a hook is documented, the others are this emulator's names
 * in AWS's style (see REJECTION_STATUS).
 */

export const REJECTION_STATUS = {
  InvalidPayload: 400,
  InvalidCertificateOwnershipToken: 400,
  InvalidRequest: 400,
  AccessDenied: 403,
  ResourceNotFound: 404,
  InternalError: 500,
} as const;
export type RejectionCode = keyof typeof REJECTION_STATUS;

export class ProvisioningRejection extends Error {
  readonly statusCode: number;
  constructor(
    readonly errorCode: RejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProvisioningRejection';
    this.statusCode = REJECTION_STATUS[errorCode];
  }
}

const reject = (code: RejectionCode, message: string) => new ProvisioningRejection(code, message);

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedOverMqtt {
  certificate: CertificateRecord;
  certificateOwnershipToken: string;
}

/** Registers `cert` (PENDING_ACTIVATION) and its ownership token together. */
function registerWithToken(ctx: EmulatorContext, cert: CertificateRecord, claimCertificateId: string): IssuedOverMqtt {
  const token = randomBytes(48).toString('base64url');
  const record: OwnershipTokenRecord = {
    tokenHash: tokenHash(token),
    certificateId: cert.certificateId,
    claimCertificateId,
    expiration: ctx.now() + OWNERSHIP_TOKEN_TTL_MS,
  };
  ctx.store.commit((tx) => {
    addCertificate(tx, cert);
    tx.put('ownershipTokens', record.tokenHash, record);
  });
  return { certificate: cert, certificateOwnershipToken: token };
}

/** CreateKeysAndCertificate over MQTT: an RSA-2048 key pair (only in the answer) and its certificate. */
export async function createKeysAndCertificateForClaim(
  ctx: EmulatorContext,
  claimCertificateId: string,
): Promise<IssuedOverMqtt & { keys: GeneratedKeyPair }> {
  const keys = await generateRsaKeyPair();
  const cert = await issueCertificateRecord(ctx, { spkiDer: keys.spkiDer }, 'PENDING_ACTIVATION');
  return { ...registerWithToken(ctx, cert, claimCertificateId), keys };
}

/** CreateCertificateFromCsr over MQTT: the CSR's subject and key, signed by the emulator's issuing CA. */
export async function createCertificateFromCsrForClaim(
  ctx: EmulatorContext,
  csrPem: unknown,
  claimCertificateId: string,
): Promise<IssuedOverMqtt> {
  if (typeof csrPem !== 'string' || csrPem.length === 0) {
    throw reject('InvalidPayload', 'certificateSigningRequest is required: the CSR, in PEM format.');
  }
  let key: Awaited<ReturnType<typeof csrKey>>;
  try {
    key = await csrKey(csrPem);
  } catch (e) {
    if (e instanceof AwsError) throw reject('InvalidPayload', e.message);
    throw e;
  }
  const cert = await issueCertificateRecord(ctx, key, 'PENDING_ACTIVATION');
  return registerWithToken(ctx, cert, claimCertificateId);
}

export interface RegisterThingRequest {
  templateName: string;
  certificateOwnershipToken: unknown;
  parameters: Record<string, string>;
  /** The asking connection, for the hook's payload. */
  clientId: string;
  claimCertificateId: string;
}

export interface HookInput {
  template: ProvisioningTemplateRecord;
  claimCertificateId: string;
  certificate: CertificateRecord;
  clientId: string;
  parameters: Record<string, string>;
}

/** Invokes a template's pre-provisioning hook: the parameters to add, or a ProvisioningRejection. */
export type HookInvoker = (input: HookInput) => Promise<Record<string, string>>;

/** RegisterThing: what the device hears on `/accepted`. */
export async function registerThing(
  ctx: EmulatorContext,
  req: RegisterThingRequest,
  invokeHook: HookInvoker,
): Promise<{ thingName?: string; deviceConfiguration: Record<string, string> }> {
  const template = usableTemplate(ctx, req.templateName);
  const { hash, certificate } = ownedCertificate(ctx, req.certificateOwnershipToken);

  let parameters = { ...req.parameters };
  if (template.preProvisioningHook) {
    const overrides = await invokeHook({
      template,
      claimCertificateId: req.claimCertificateId,
      certificate,
      clientId: req.clientId,
      parameters: req.parameters,
    });
    parameters = { ...parameters, ...overrides };
  }

  try {
    // The template as it is now (it may have changed during the hook).
    const body = defaultTemplateBody(usableTemplate(ctx, req.templateName));
    // The certificate's own values win over the device's: a device cannot name another certificate.
    const own = certificateParametersFor(body, certificate.certificatePem, certificate.certificateId);
    const plan = evaluateProvisioningTemplate(body, { ...parameters, ...own });
    ctx.store.commit((tx) => {
      // Spent once: a second RegisterThing with the same token (even one racing this one) is refused.
      const token = ownedCertificate(ctx, req.certificateOwnershipToken, tx);
      applyProvisioningPlan(ctx, tx, plan, { kind: 'existing', certificate: token.certificate });
      tx.delete('ownershipTokens', hash);
    });
    return { thingName: plan.thing?.thingName, deviceConfiguration: plan.deviceConfiguration ?? {} };
  } catch (e) {
    if (e instanceof TemplateError || e instanceof AwsError) {
      throw reject(
        'InvalidRequest',
        `The provisioning template ${req.templateName} could not be applied: ${e.message}`,
      );
    }
    throw e;
  }
}

function usableTemplate(ctx: EmulatorContext, name: string): ProvisioningTemplateRecord {
  const template = ctx.store.c.provisioningTemplates.get(name);
  if (!template) throw reject('ResourceNotFound', `The provisioning template ${name} does not exist.`);
  if (template.type !== 'FLEET_PROVISIONING') {
    throw reject(
      'InvalidRequest',
      `The provisioning template ${name} is a ${template.type} template, not FLEET_PROVISIONING.`,
    );
  }
  if (!template.enabled) throw reject('InvalidRequest', `The provisioning template ${name} is disabled.`);
  return template;
}

/** The certificate a token is good for: known, unexpired, unspent, its certificate still waiting. */
function ownedCertificate(
  ctx: EmulatorContext,
  token: unknown,
  r: Reader = ctx.store,
): { hash: string; certificate: CertificateRecord } {
  if (typeof token !== 'string' || token === '') {
    throw reject('InvalidCertificateOwnershipToken', 'Certificate ownership token cannot be empty.');
  }
  const hash = tokenHash(token);
  const record = r.c.ownershipTokens.get(hash);
  const certificate = record && r.c.certificates.get(record.certificateId);
  if (!record || !certificate || certificate.status !== 'PENDING_ACTIVATION') {
    throw reject(
      'InvalidCertificateOwnershipToken',
      'The certificate ownership token is not valid: it is unknown or was already used to register a thing.',
    );
  }
  if (record.expiration <= ctx.now()) {
    throw reject(
      'InvalidCertificateOwnershipToken',
      'The certificate ownership token has expired; create a new certificate (tokens are good for one hour).',
    );
  }
  return { hash, certificate };
}

/**
 * Expired ownership tokens go, and with each its certificate when it was never registered (still
 * PENDING_ACTIVATION, no thing or policy attached); expired provisioning claims go too. Returns what it removed.
 */
export function sweepFleetProvisioning(ctx: EmulatorContext): { tokens: number; certificates: number; claims: number } {
  const now = ctx.now();
  const removed = { tokens: 0, certificates: 0, claims: 0 };
  ctx.store.commit((tx) => {
    for (const token of [...tx.c.ownershipTokens.values()]) {
      if (token.expiration > now) continue;
      tx.delete('ownershipTokens', token.tokenHash);
      removed.tokens++;
      const cert = tx.c.certificates.get(token.certificateId);
      if (
        cert?.status === 'PENDING_ACTIVATION' &&
        tx.c.thingPrincipals.keysBy('principal', cert.certificateArn).length === 0 &&
        tx.c.policyAttachments.keysBy('target', cert.certificateArn).length === 0
      ) {
        tx.delete('certificates', cert.certificateId);
        removed.certificates++;
      }
    }
    for (const claim of [...tx.c.provisioningClaims.values()]) {
      if (claim.expiration > now) continue;
      tx.delete('provisioningClaims', claim.certificateId);
      removed.claims++;
    }
  });
  return removed;
}

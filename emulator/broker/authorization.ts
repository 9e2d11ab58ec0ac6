import type { X509Certificate } from 'node:crypto';
import type { EmulatorContext } from '../context';
import {
  evaluate,
  resourceArn,
  type AttachedPolicy,
  type AuthContext,
  type Decision,
  type IotAction,
  type ResourceKind,
} from '../policy/evaluator';
import { claimPolicy, provisioningClaim } from '../iot/provisioning-claims';
import { pairKey } from '../store/records';

/**
 * Who is on the other end of a broker connection, and what AWS IoT would let them do.
 * Devices authenticate with an X.509 certificate and are authorised by the IoT policies attached to it
 * (and to the thing groups of the thing it connects as). WebSocket clients authenticate with SigV4 and
 * are authorised as IAM principals, which here means the emulator's configured credentials: all access.
 */
export type Session = DeviceSession | IamSession;

interface SessionBase {
  /** Set once CONNECT names it. */
  clientId?: string;
  /**
   * Decisions (and verdicts) already made for this connection, by action and then resource name, valid
   * while {@link AuthorizationEpoch} stays.
   */
  decisions?: Map<string, Map<string, unknown>>;
  decisionsEpoch?: number;
  sessionIdentifier: string;
  sourceIp?: string;
  /** Why the broker ended the connection, for the presence event (AWS's disconnectReason values). */
  disconnectReason?: string;
}

export interface DeviceSession extends SessionBase {
  kind: 'device';
  certificateId: string;
  certificateArn: string;
  certificate: NonNullable<AuthContext['certificate']>;
  /** Set when the certificate is a CreateProvisioningClaim claim: authorised by its template's claim policy. */
  claim?: { templateName: string; expiration: number };
}

export interface IamSession extends SessionBase {
  kind: 'iam';
  accessKeyId: string;
}

/** The attributes of an X.509 name as the policy variables see them (`CN`, `O`, ...; repeated ones as arrays). */
export function distinguishedName(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export function certificateContext(cert: X509Certificate, certificateId: string): DeviceSession['certificate'] {
  return {
    id: certificateId,
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
}

/** The default-version documents of the policies attached to `target`. */
function policiesOf(ctx: EmulatorContext, target: string): AttachedPolicy[] {
  const out: AttachedPolicy[] = [];
  for (const attachment of ctx.store.c.policyAttachments.findBy('target', target)) {
    const policy = ctx.store.c.policies.get(attachment.policyName);
    const version = policy?.versions.find((v) => v.versionId === policy.defaultVersionId);
    if (policy && version) out.push({ policyName: policy.policyName, document: version.document });
  }
  return out;
}

/**
 * Every policy that applies to a device connection: those on its certificate and, when the client id is
 * a thing the certificate is attached to, those on that thing's groups and their ancestors (AWS applies
 * thing-group policies to such connections).
 */
export function effectivePolicies(ctx: EmulatorContext, session: DeviceSession): AttachedPolicy[] {
  if (session.claim)
    return provisioningClaim(ctx, session.certificateId) ? [claimPolicy(ctx, session.claim.templateName)] : [];
  const policies = policiesOf(ctx, session.certificateArn);
  const thingName = session.clientId;
  if (thingName && ctx.store.c.thingPrincipals.has(pairKey(thingName, session.certificateArn))) {
    const seen = new Set<string>();
    for (const member of ctx.store.c.thingGroupMembers.findBy('thing', thingName)) {
      let group = ctx.store.c.thingGroups.get(member.thingGroupName);
      while (group && !seen.has(group.thingGroupName)) {
        seen.add(group.thingGroupName);
        policies.push(...policiesOf(ctx, group.thingGroupArn));
        group = group.parentGroupName ? ctx.store.c.thingGroups.get(group.parentGroupName) : undefined;
      }
    }
  }
  return policies;
}

/** The evaluator's view of a device connection, read fresh so attribute and attachment changes count at once. */
export function authContext(ctx: EmulatorContext, session: DeviceSession): AuthContext {
  const clientId = session.clientId ?? '';
  const thing = ctx.store.c.things.get(clientId);
  return {
    region: ctx.config.region,
    accountId: ctx.config.accountId,
    clientId,
    thing: thing && {
      thingName: thing.thingName,
      thingTypeName: thing.thingTypeName,
      attributes: thing.attributes,
      attached: ctx.store.c.thingPrincipals.has(pairKey(thing.thingName, session.certificateArn)),
    },
    certificate: session.certificate,
    sourceIp: session.sourceIp,
  };
}

/**
 * Whether the connection's principal may still act: an IAM session always; a claim while it lasts; a device
 * while its certificate is ACTIVE.
 */
export function principalActive(ctx: EmulatorContext, session: Session): boolean {
  if (session.kind === 'iam') return true;
  if (session.claim) return provisioningClaim(ctx, session.certificateId) !== undefined;
  return ctx.store.c.certificates.get(session.certificateId)?.status === 'ACTIVE';
}

const ALLOWED_AS_IAM: Decision = { allowed: true, matchedBy: { policyName: '(IAM credentials)', statementIndex: 0 } };

/**
 * The store collections a decision reads (policies and their versions, attachments, certificates and CAs,
 * things with their attributes and types, principals, groups and memberships, provisioning claims).
 */
const DECISION_INPUTS: ReadonlySet<string> = new Set([
  'policies',
  'policyAttachments',
  'certificates',
  'caCertificates',
  'things',
  'thingTypes',
  'thingPrincipals',
  'thingGroups',
  'thingGroupMembers',
  'provisioningClaims',
]);

/** Decisions kept per connection and action before that table starts over (ever new topics). */
const MAX_CACHED_DECISIONS = 4096;

/**
 * A counter that moves with every committed change to what a decision reads. Each connection caches its
 * decisions and drops them all the moment the counter moves, so a detached policy, a new policy version,
 * a deactivated certificate or a changed attribute counts from the very next message, as it does on AWS,
 * while an unchanged account costs two map lookups per check (no key is built) instead of rebuilding the
 * effective policies.
 */
export class AuthorizationEpoch {
  value = 0;
  readonly stop: () => void;
  constructor(ctx: EmulatorContext) {
    this.stop = ctx.store.onCommit((mutations) => {
      for (const [collection] of mutations) {
        if (DECISION_INPUTS.has(collection)) {
          this.value++;
          return;
        }
      }
    });
  }
}

export function authorize(
  ctx: EmulatorContext,
  session: Session,
  action: IotAction,
  kind: ResourceKind,
  name: string,
  epoch?: AuthorizationEpoch,
): Decision {
  if (session.kind === 'iam') return ALLOWED_AS_IAM;
  if (!epoch) return decide(ctx, session, action, kind, name);
  // Each action names one kind of resource, so the action and the name are the whole key (the client id,
  // which policy variables read, is set once per connection, before its first decision).
  const table = decisionTable(session, epoch, action);
  let decision = table.get(name) as Decision | undefined;
  if (!decision) {
    decision = decide(ctx, session, action, kind, name);
    table.set(name, decision);
  }
  return decision;
}

/**
 * This connection's table of what was decided for `action` since the epoch last moved, by resource name
 * (every table is dropped when the epoch moves; one is emptied when it grows past its bound). The broker
 * keeps its per-topic verdicts here too, under a name of its own for the action.
 */
export function decisionTable(session: Session, epoch: AuthorizationEpoch, action: string): Map<string, unknown> {
  let tables = session.decisions;
  if (session.decisionsEpoch !== epoch.value || !tables) {
    tables = session.decisions = new Map();
    session.decisionsEpoch = epoch.value;
  }
  let table = tables.get(action);
  if (!table) tables.set(action, (table = new Map()));
  else if (table.size >= MAX_CACHED_DECISIONS) table.clear();
  return table;
}

function decide(ctx: EmulatorContext, session: DeviceSession, action: IotAction, kind: ResourceKind, name: string) {
  return evaluate(effectivePolicies(ctx, session), authContext(ctx, session), {
    action,
    resource: resourceArn(ctx.config, kind, name),
  });
}

import {
  DurableStore,
  type IndexDefinitions,
  type StoreReader,
  type Transaction as StoreTransaction,
} from '../../lib/store/store';
import type { Collections } from './records';

export type { Mutation } from '../../lib/store/store';

/** The writes (and reads through them) of one change to the emulator's state. */
export type Transaction = StoreTransaction<Collections>;
/** The committed state or a transaction: what a rule reads. */
export type Reader = StoreReader<Collections>;

/** Each collection's secondary indexes: the lookups the registry, the broker and the shadow service make. */
const INDEXES: IndexDefinitions<Collections> = {
  things: { type: (t) => t.thingTypeName },
  thingTypes: {},
  thingGroups: { parent: (g) => g.parentGroupName },
  thingGroupMembers: { thing: (m) => m.thingName, group: (m) => m.thingGroupName },
  certificates: { ca: (c) => c.caCertificateId },
  caCertificates: {},
  policies: {},
  policyAttachments: { policy: (a) => a.policyName, target: (a) => a.target },
  thingPrincipals: { thing: (p) => p.thingName, principal: (p) => p.principal },
  meta: {},
  shadows: { thing: (s) => s.thingName },
  retained: {},
  roleAliases: {},
  connectivity: {},
  indexing: {},
  provisioningTemplates: {},
  provisioningClaims: {},
  ownershipTokens: { certificate: (t) => t.certificateId },
};

/**
 * The emulator's state: the registry, shadows and retained messages in typed collections, made durable by the
 * journal (lib/store). Rules read `store.c` (or a transaction's `tx.c`) and change state only through
 * `commit`, synchronously after any await; the broker's live revocation listens with `onCommit`.
 */
export class Store extends DurableStore<Collections> {
  /** `dir` undefined keeps everything in memory (unit tests). */
  constructor(dir: string | undefined, snapshotEvery = 20_000) {
    super(INDEXES, { dir, snapshotEvery });
  }
}

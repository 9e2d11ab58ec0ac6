import type { EmulatorContext } from '../context';
import type { Transaction } from '../store/store';

export type { Reader, Transaction } from '../store/store';

/**
 * Every change the registry makes goes through here. With `tx` the caller is composing a larger change (JITP
 * registers a certificate, creates a thing and a policy and attaches them in one transaction) and the rules run
 * against that transaction, seeing what it already staged; without, the change gets a transaction of its own,
 * committed (journalled, then visible, then heard by the store's listeners) when `change` returns. A rule that
 * throws ends the whole transaction unwritten: the store commits nothing when the function building it throws.
 */
export function inTransaction<T>(ctx: EmulatorContext, tx: Transaction | undefined, change: (tx: Transaction) => T): T {
  return tx ? change(tx) : ctx.store.commit(change);
}

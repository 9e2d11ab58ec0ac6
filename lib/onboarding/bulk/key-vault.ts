/**
 * The private keys of bulk jobs, in this browser tab's memory only: never sent, never stored on disk (not
 * even in sessionStorage). They survive moving between the console's pages (client-side navigation), and
 * are gone when the tab is closed or reloaded: the job page then says so and what to do.
 */
export interface HeldKey {
  privateKeyPem: string;
  publicKeyPem: string;
}

const vault = new Map<string, Map<string, HeldKey>>();

export function holdKeys(jobId: string, keys: Iterable<[thingName: string, key: HeldKey]>): void {
  vault.set(jobId, new Map(keys));
}

export function keysFor(jobId: string): Map<string, HeldKey> | undefined {
  return vault.get(jobId);
}

export function forgetKeys(jobId: string): void {
  vault.delete(jobId);
}

import 'server-only';

import { listCertificates } from '@/lib/aws/certificates';
import { listPolicies } from '@/lib/aws/policies';
import { listThings } from '@/lib/aws/things';

import { accountIdFromArn } from './templates';

/**
 * The account id for policy ARNs. AWS IoT has no call that returns it (STS is not among this app's
 * clients), so it is read from the ARN of any existing policy, thing or certificate; undefined in an empty
 * account, where templates use `*` in the account position instead.
 */
export async function discoverAccountId(): Promise<string | undefined> {
  const probes: Array<() => Promise<string | undefined>> = [
    async () => (await listPolicies({ pageSize: 1 })).items[0]?.arn,
    async () => (await listThings({ maxResults: 1 })).things[0]?.arn,
    async () => (await listCertificates({ pageSize: 1 })).certificates[0]?.arn,
  ];
  for (const probe of probes) {
    try {
      const account = accountIdFromArn(await probe());
      if (account) return account;
    } catch {
      // A failed probe only costs the account id; the next one may work, or templates use `*`.
    }
  }
  return undefined;
}

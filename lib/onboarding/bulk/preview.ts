import 'server-only';

import { thingGroupExists, thingTypeExists } from '../../aws/thing-groups';
import { thingExists } from '../../aws/things';
import type { BulkRow } from './rows';

/**
 * The checks only AWS can answer, for every row of the list, before anything is created: whether each thing
 * already exists (DescribeThing per name, `concurrency` at a time: AWS allows 350 per second) and whether each
 * distinct thing type and group exists. Read-only; adds the problems to the rows. Throws an AppError when AWS
 * cannot be asked.
 */
export async function checkAgainstAws(rows: BulkRow[], concurrency = 16): Promise<void> {
  const types = [...new Set(rows.flatMap((r) => (r.thingTypeName && !r.errors.length ? [r.thingTypeName] : [])))];
  const groups = [...new Set(rows.flatMap((r) => (r.thingGroupName && !r.errors.length ? [r.thingGroupName] : [])))];
  const [typeOk, groupOk] = await Promise.all([
    Promise.all(types.map(async (t) => [t, await thingTypeExists(t)] as const)).then((e) => new Map(e)),
    Promise.all(groups.map(async (g) => [g, await thingGroupExists(g)] as const)).then((e) => new Map(e)),
  ]);
  const toCheck = rows.filter((r) => r.errors.length === 0);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, toCheck.length) }, async () => {
      while (next < toCheck.length) {
        const row = toCheck[next++]!;
        if (await thingExists(row.thingName)) row.errors.push(`A thing named ${row.thingName} already exists.`);
      }
    }),
  );
  for (const row of rows) {
    if (row.thingTypeName && typeOk.get(row.thingTypeName) === false)
      row.errors.push(`There is no thing type named ${row.thingTypeName}.`);
    if (row.thingGroupName && groupOk.get(row.thingGroupName) === false)
      row.errors.push(`There is no thing group named ${row.thingGroupName}.`);
  }
}

import type { SearchParams } from '@/lib/forms/search-params';

const all = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

function names(list: string[], count: number): string {
  if (count === 0) return 'none';
  const more = count - list.length;
  return more > 0 ? `${list.join(', ')} and ${more} more` : list.join(', ');
}

/** After a delete (the action redirects here): what was deleted and what was detached on the way. */
export function DeletedNotice({ searchParams }: { searchParams: SearchParams }) {
  const id = all(searchParams.deleted)[0];
  if (!id || !/^[0-9a-f]{64}$/.test(id)) return null;
  const policies = all(searchParams.policy);
  const things = all(searchParams.thing);
  const policyCount = Number(all(searchParams.policyCount)[0] ?? policies.length) || 0;
  const thingCount = Number(all(searchParams.thingCount)[0] ?? things.length) || 0;
  return (
    <div
      role="status"
      className="mb-4 rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900"
    >
      <p className="font-semibold">Certificate {id.slice(0, 10)}… deleted.</p>
      <p className="mt-1">
        Detached policies: {names(policies, Math.max(policyCount, policies.length))}. Detached things:{' '}
        {names(things, Math.max(thingCount, things.length))}.
      </p>
    </div>
  );
}

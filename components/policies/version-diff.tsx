import { diffLines, prettyPolicyDocument, summarizeDiff } from '@/lib/policies/diff';
import type { PolicyVersion } from '@/lib/aws/policies';
import { buttonClasses } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { controlClasses } from '@/components/ui/field-styles';

/** The "compare" form: a plain GET form, so the diff is a link that can be shared and reloaded. */
export function CompareVersionsForm({
  versions,
  from,
  to,
}: {
  versions: readonly PolicyVersion[];
  from: string | undefined;
  to: string | undefined;
}) {
  const ids = versions.map((v) => v.id).sort((a, b) => Number(a) - Number(b));
  const options = ids.map((id) => ({
    id,
    label: `v${id}${versions.find((v) => v.id === id)?.isDefault ? ' (default)' : ''}`,
  }));
  const defaultTo = to ?? versions.find((v) => v.isDefault)?.id ?? ids.at(-1);
  const defaultFrom = from ?? ids.filter((id) => id !== defaultTo).at(-1) ?? ids[0];
  return (
    <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Compare versions">
      <label className="space-y-1 text-sm">
        <span className="block font-medium text-slate-800">From</span>
        <select name="from" defaultValue={defaultFrom} className={controlClasses}>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label className="space-y-1 text-sm">
        <span className="block font-medium text-slate-800">To</span>
        <select name="to" defaultValue={defaultTo} className={controlClasses}>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className={buttonClasses('secondary')}>
        Compare
      </button>
    </form>
  );
}

/** A line diff of two versions' documents, pretty-printed first so white space alone is no change. */
export function VersionDiff({
  from,
  to,
}: {
  from: { id: string; document: string };
  to: { id: string; document: string };
}) {
  const lines = diffLines(prettyPolicyDocument(from.document), prettyPolicyDocument(to.document));
  const summary = summarizeDiff(lines);
  const label = `Changes from v${from.id} to v${to.id}`;
  return (
    <section aria-label={label} className="space-y-2">
      <p className="text-sm text-slate-700">
        {label}:{' '}
        {summary.added + summary.removed === 0 ? (
          'the documents are identical.'
        ) : (
          <>
            <span className="text-emerald-700">{summary.added} added</span>,{' '}
            <span className="text-red-700">{summary.removed} removed</span>
          </>
        )}
      </p>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white font-mono text-xs">
        <table className="min-w-full border-collapse" aria-label={`Diff of v${from.id} and v${to.id}`}>
          <tbody>
            {lines.map((line, i) => (
              <tr
                // biome-ignore lint/suspicious/noArrayIndexKey: diff lines are positional and rendered once per diff.
                key={i}
                data-kind={line.kind}
                className={cn(line.kind === 'added' && 'bg-emerald-50', line.kind === 'removed' && 'bg-red-50')}
              >
                <td className="w-10 px-2 text-right text-slate-400 select-none">{line.oldLine ?? ''}</td>
                <td className="w-10 px-2 text-right text-slate-400 select-none">{line.newLine ?? ''}</td>
                <td
                  className={cn(
                    'w-4 text-center select-none',
                    line.kind === 'added' && 'text-emerald-700',
                    line.kind === 'removed' && 'text-red-700',
                  )}
                >
                  {line.kind === 'added' ? '+' : line.kind === 'removed' ? '−' : ''}
                  <span className="sr-only">
                    {line.kind === 'added' ? 'added' : line.kind === 'removed' ? 'removed' : ''}
                  </span>
                </td>
                <td className="px-2 whitespace-pre text-slate-800">{line.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

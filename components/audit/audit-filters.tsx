import { Button, ButtonLink } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/form';
import type { AuditQuery } from '@/lib/audit/query';

/**
 * The Audit page's filters: a plain GET form, so every view of the trail has an address (shareable, the back
 * button works, no JavaScript needed). Errors come from the server's parse of the address.
 */
export function AuditFilters({
  values,
  errors,
  users,
  actions,
}: {
  values: AuditQuery;
  errors: Partial<Record<keyof AuditQuery, string>>;
  users: { id: string; label: string }[];
  actions: string[];
}) {
  const err = (k: keyof AuditQuery) => (errors[k] ? [errors[k]] : undefined);
  // A datetime-local field shows only a full date and time.
  const minute = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00` : (v ?? ''));
  const userOptions = [{ value: '', label: 'Anyone' }, ...users.map((u) => ({ value: u.id, label: u.label }))];
  if (values.user && !users.some((u) => u.id === values.user))
    userOptions.push({ value: values.user, label: values.user });
  return (
    <form
      method="get"
      action="/audit"
      role="search"
      aria-label="Filter the audit trail"
      className="mb-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      {values.actor ? <input type="hidden" name="actor" value={values.actor} /> : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <SelectField
          name="user"
          label="User"
          defaultValue={values.user ?? ''}
          errors={err('user')}
          options={userOptions}
        />
        <TextField
          name="action"
          label="Action"
          defaultValue={values.action ?? ''}
          errors={err('action')}
          placeholder="e.g. bundle.download"
          hint="One, or several separated by commas."
          list="audit-actions"
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          name="resource"
          label="Resource (id or ARN)"
          defaultValue={values.resource ?? ''}
          errors={err('resource')}
          placeholder="e.g. sensor-0042"
          autoComplete="off"
          spellCheck={false}
        />
        <SelectField
          name="outcome"
          label="Outcome"
          defaultValue={values.outcome ?? ''}
          errors={err('outcome')}
          options={[
            { value: '', label: 'Any outcome' },
            { value: 'success', label: 'Success' },
            { value: 'failure', label: 'Failure' },
            { value: 'denied', label: 'Denied' },
          ]}
        />
        <TextField
          name="from"
          label="From (UTC)"
          type="datetime-local"
          defaultValue={minute(values.from)}
          errors={err('from')}
        />
        <TextField
          name="to"
          label="Until (UTC)"
          type="datetime-local"
          defaultValue={minute(values.to)}
          errors={err('to')}
        />
      </div>
      <datalist id="audit-actions">
        {actions.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <Button type="submit">Filter</Button>
        <ButtonLink href="/audit" variant="ghost">
          Clear
        </ButtonLink>
        {values.actor ? (
          <span className="text-sm text-slate-600">
            Only events by the name <span className="font-mono">{values.actor}</span>
          </span>
        ) : null}
      </div>
    </form>
  );
}

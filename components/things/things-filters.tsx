import { ButtonLink, Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/form';

/**
 * The list's search and filters: a plain GET form, so every search has an address (bookmarkable, back
 * button, works before JavaScript loads). Errors come from the server's parse of the address.
 */
export function ThingsFilters({
  values,
  errors,
  types,
  groups,
}: {
  values: { q?: string; type?: string; group?: string; attr?: string };
  errors: Record<string, string>;
  types: string[];
  groups: string[];
}) {
  const withCurrent = (list: string[], current: string | undefined) =>
    current && !list.includes(current) ? [...list, current] : list;
  const filtered = Boolean(values.q || values.type || values.group || values.attr);
  return (
    <form
      method="get"
      action="/things"
      role="search"
      aria-label="Search things"
      className="mb-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <TextField
          name="q"
          label="Name starts with"
          defaultValue={values.q ?? ''}
          errors={errors.q ? [errors.q] : undefined}
          placeholder="e.g. sensor-"
          autoComplete="off"
          spellCheck={false}
          maxLength={128}
        />
        <SelectField
          name="type"
          label="Thing type"
          defaultValue={values.type ?? ''}
          errors={errors.type ? [errors.type] : undefined}
          options={[
            { value: '', label: 'Any type' },
            ...withCurrent(types, values.type).map((t) => ({ value: t, label: t })),
          ]}
        />
        <SelectField
          name="group"
          label="Thing group"
          defaultValue={values.group ?? ''}
          errors={errors.group ? [errors.group] : undefined}
          options={[
            { value: '', label: 'Any group' },
            ...withCurrent(groups, values.group).map((g) => ({ value: g, label: g })),
          ]}
        />
        <TextField
          name="attr"
          label="Attribute (name=value)"
          defaultValue={values.attr ?? ''}
          errors={errors.attr ? [errors.attr] : undefined}
          placeholder="e.g. site=lab"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div className="mt-2 flex gap-2">
        <Button type="submit">Search</Button>
        {filtered ? (
          <ButtonLink href="/things" variant="ghost">
            Clear
          </ButtonLink>
        ) : null}
      </div>
    </form>
  );
}

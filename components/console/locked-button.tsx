import { buttonClasses, type ButtonVariant } from '@/components/ui/button';

/**
 * A control the operator's role cannot use (components/console/role-gate.tsx decides on the server; client
 * components get a boolean and show this). No role logic here, so browser bundles stay free of it.
 */
type Role = 'viewer' | 'operator' | 'admin';

/** A button the role cannot use: shown disabled, with "Needs <role>" beside it. */
export function LockedButton({
  label,
  need,
  variant = 'secondary',
}: {
  label: string;
  need: Role;
  variant?: ButtonVariant;
}) {
  return (
    <span className="inline-flex items-center gap-1.5" data-needs-role={need}>
      <button
        type="button"
        disabled
        aria-disabled="true"
        className={buttonClasses(variant, 'cursor-not-allowed opacity-50')}
        title={`Needs ${need}`}
      >
        {label}
      </button>
      <span className="text-xs text-slate-500">Needs {need}</span>
    </span>
  );
}

import type { FleetTemplateCheck } from '@/lib/provisioning/template-check';

/** The template check's outcome under the editor, announced as it changes. */
export function TemplateCheckView({ check }: { check: FleetTemplateCheck | undefined }) {
  if (!check) return null;
  return (
    <div aria-live="polite" className="space-y-1 text-sm">
      {check.problems.map((p) => (
        <p key={p} className="text-red-700">
          {p}
        </p>
      ))}
      {check.warnings.map((w) => (
        <p key={w} className="text-amber-800">
          Note: {w}
        </p>
      ))}
      {check.problems.length === 0 ? (
        <p className="text-emerald-800">
          Template checks out.{' '}
          {check.deviceParameters.length
            ? `Devices send: ${check.deviceParameters.join(', ')}.`
            : 'Devices send no parameters.'}
        </p>
      ) : null}
    </div>
  );
}

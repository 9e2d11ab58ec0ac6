import type { ReactNode } from 'react';

import type { ButtonVariant } from '@/components/ui/button';
import { type Role, roleAllows } from '@/lib/auth/roles';

import { LockedButton } from './locked-button';

/**
 * What a page shows in place of a control the operator's role cannot use: the control itself when the role
 * allows it, else a plain note or a disabled button that says which role it needs. The server refuses the
 * action anyway (lib/auth/guard.ts); this only keeps people from trying.
 */

export function RoleGate({
  role,
  need,
  what,
  children,
}: {
  role: Role;
  need: Role;
  /** What the hidden control does, for the note: "Editing attributes". */
  what: string;
  children: ReactNode;
}) {
  if (roleAllows(role, need)) return children;
  return (
    <p className="text-sm text-slate-500" data-needs-role={need}>
      {what} needs {need}; your role is {role}.
    </p>
  );
}

/** The control when the role allows it, else its locked stand-in. */
export function IfRole({
  role,
  need,
  label,
  variant,
  children,
}: {
  role: Role;
  need: Role;
  label: string;
  variant?: ButtonVariant;
  children: ReactNode;
}) {
  if (roleAllows(role, need)) return children;
  return <LockedButton label={label} need={need} variant={variant} />;
}

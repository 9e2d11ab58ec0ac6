'use client';

import { useActionState } from 'react';

import { detachTargetAction } from '@/app/(console)/policies/[name]/actions';
import { SubmitButton } from '@/components/ui/form';
import { idle } from '@/lib/forms/action-state';

import { useActionToast } from '@/components/ui/use-action-toast';

export function DetachTargetButton({ policy, target, label }: { policy: string; target: string; label: string }) {
  const [state, action] = useActionState(detachTargetAction, idle());
  useActionToast(state);
  return (
    <form action={action}>
      <input type="hidden" name="policy" value={policy} />
      <input type="hidden" name="target" value={target} />
      <SubmitButton variant="secondary" className="px-2 py-1 text-xs" pendingLabel="Detaching…">
        <span>
          Detach<span className="sr-only"> from {label}</span>
        </span>
      </SubmitButton>
    </form>
  );
}

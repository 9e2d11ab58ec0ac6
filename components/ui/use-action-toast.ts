'use client';

import { useEffect, useRef } from 'react';

import { useToast } from '@/components/ui/toast';
import type { ActionState } from '@/lib/forms/action-state';

/** Shows each new outcome of an action as a toast (success in green, refusal in red). */
export function useActionToast(state: ActionState<unknown>, opts: { errors?: boolean } = {}) {
  const toast = useToast();
  const last = useRef(state);
  const showErrors = opts.errors ?? true;
  useEffect(() => {
    if (state === last.current) return;
    last.current = state;
    if (!state.message) return;
    if (state.status === 'success') toast(state.message, 'success');
    else if (showErrors && (state.status === 'failed' || state.status === 'invalid')) toast(state.message, 'error');
  }, [state, toast, showErrors]);
}

'use client';

import { useEffect, useRef } from 'react';

import { useToast } from '@/components/ui/toast';

/** Shows a toast once when the page opens, e.g. "Thing created" after the create form redirected here. */
export function FlashToast({ message, param = 'created' }: { message: string; param?: string }) {
  const toast = useToast();
  const shown = useRef(false);
  useEffect(() => {
    if (shown.current) return;
    shown.current = true;
    toast(message);
    // Drop the one-off flag from the address, so a reload does not announce it again.
    const url = new URL(window.location.href);
    if (url.searchParams.has(param)) {
      url.searchParams.delete(param);
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    }
  }, [message, toast, param]);
  return null;
}

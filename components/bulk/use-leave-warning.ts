import { useEffect } from 'react';

/**
 * While `active`, leaving the page (closing the tab, reloading, typing another address) asks first: the browser's
 * own "Leave site?" prompt. Moving between the console's pages keeps the page's state and needs no prompt.
 */
export function useLeaveWarning(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [active]);
}

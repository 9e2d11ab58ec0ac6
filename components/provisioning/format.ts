/** Where a provisioning template's page is. */
export const templateHref = (name: string, query?: Record<string, string>) =>
  `/provisioning/${encodeURIComponent(name)}${query ? `?${new URLSearchParams(query)}` : ''}`;

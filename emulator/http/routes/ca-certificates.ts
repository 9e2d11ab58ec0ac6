import type { Route } from '../router';

export const caCertificatesRoutes: Route[] = [];

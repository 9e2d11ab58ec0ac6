import type { Route } from '../router';

export const certificatesRoutes: Route[] = [];

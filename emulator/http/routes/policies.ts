import type { Route } from '../router';

export const policiesRoutes: Route[] = [];

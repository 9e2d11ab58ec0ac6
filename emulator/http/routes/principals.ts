import type { Route } from '../router';

export const principalsRoutes: Route[] = [];

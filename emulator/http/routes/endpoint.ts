import type { Route } from '../router';

export const endpointRoutes: Route[] = [];

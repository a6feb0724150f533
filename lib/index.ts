export { createRouteTable } from './router/route-table.js';
export type { RouteMatch, RouteResult, RouteTable } from './router/route-table.js';
export type * from './spacefile/types.js';

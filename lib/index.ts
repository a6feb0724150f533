export { spaceRouter } from './router/space-router.js';
export type { MicroSnapshot, NextFunction, RouteExplanation, RouterOptions, SpaceRouter } from './router/types.js';
export { createRouteTable } from './router/route-table.js';
export type { RouteMatch, RouteResult, RouteTable } from './router/route-table.js';
export { loadSpacefile, parseSpacefile, SpacefileError } from './spacefile/index.js';
export { MicroError } from './supervisor/types.js';
export type { Logger, MicroState, MicroStatus, RestartPolicy } from './supervisor/types.js';
export type { ActionResult } from './runtime/types.js';
export type * from './spacefile/types.js';

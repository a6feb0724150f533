export { createSupervisor } from './supervisor.js';
export { MicroError } from './types.js';
export type {
  Logger,
  MicroState,
  MicroStatus,
  RestartPolicy,
  Supervisor,
  SupervisorOptions,
} from './types.js';

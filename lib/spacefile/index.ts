export type * from './types.js';
export { ENGINES } from './types.js';
export { parseSpacefile, type ParseOptions } from './parse.js';
export { loadSpacefile } from './load.js';
export { SpacefileError, formatProblem, formatProblems, type SpacefileErrorCode } from './errors.js';
export { ENGINE_INFO, SERVE_ENGINES, servedFromFiles, isEngine, type EngineInfo } from './engines.js';
export { detectMicros, type DetectedMicro } from './detect.js';
export { generateSpacefile, SPACEFILE_DOCS_HEADER } from './generate.js';

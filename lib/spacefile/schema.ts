import { z } from 'zod';
import { ENGINES } from './types.js';
import { readInterval } from './interval.js';

/** Micro names as Space accepted them. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Keys allowed at each level, for "unknown key" messages and "did you mean" suggestions. */
export const KEYS = {
  top: ['v', 'micros', 'icon', 'app_name', 'auto_pwa'],
  micro: [
    'name', 'src', 'engine', 'primary', 'path', 'serve', 'commands', 'include', 'run', 'dev',
    'presets', 'public', 'public_routes', 'actions', 'provide_actions',
  ],
  presets: ['env', 'api_keys'],
  env: ['name', 'description', 'default'],
  action: ['id', 'name', 'description', 'trigger', 'default_interval', 'path'],
} as const;

const interval = z.string().superRefine((value, ctx) => {
  const { problem } = readInterval(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { hint: problem.hint } });
});

const env = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  default: z.string().optional(),
});

const action = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string().max(142).optional(),
  trigger: z.literal('schedule'),
  default_interval: interval,
  path: z.string().optional(),
});

const micro = z.strictObject({
  name: z.string().regex(NAME_PATTERN),
  src: z.string(),
  engine: z.enum(ENGINES),
  primary: z.boolean().optional(),
  path: z.string().optional(),
  serve: z.string().optional(),
  commands: z.array(z.string()).optional(),
  include: z.array(z.string()).optional(),
  run: z.string().optional(),
  dev: z.string().optional(),
  presets: z.strictObject({ env: z.array(env).optional(), api_keys: z.boolean().optional() }).optional(),
  public: z.boolean().optional(),
  public_routes: z.array(z.string().min(1)).optional(),
  actions: z.array(action).optional(),
  provide_actions: z.boolean().optional(),
});

/**
 * Shapes and per-value rules. List lengths and every rule spanning several keys live in `rules.ts`:
 * zod skips item checks once a length check on the same array fails, and we want every problem at once.
 */
export const spacefileSchema = z.strictObject({
  v: z.literal(0),
  micros: z.array(micro),
  icon: z.string().optional(),
  app_name: z.string().max(12).optional(),
  auto_pwa: z.boolean().optional(),
});

export type RawSpacefile = z.infer<typeof spacefileSchema>;
export type RawMicro = z.infer<typeof micro>;

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpServer, Logger as ViteLogger, Plugin, ResolvedConfig, ViteDevServer } from 'vite';
import { loadSpacefile, spaceRouter } from '../index.js';
import type { RouterOptions } from '../router/types.js';
import { findSpacefile } from './find-spacefile.js';
import { selfMicro } from './self-micro.js';
import { leaseRouter } from './shared-routers.js';

export interface SpaceRouterPluginOptions
  extends Pick<RouterOptions, 'env' | 'readyTimeout' | 'proxyTimeout' | 'logger' | 'restart' | 'auth'> {
  /**
   * Path of the Spacefile, or of the directory holding it, relative to Vite's root.
   * Default: the first `Spacefile` in Vite's root or one of its parent directories.
   */
  spacefile?: string;
  /** Name of the micro this Vite server is. Default: the micro whose `src` is Vite's root. */
  micro?: string;
}

/**
 * Make the Vite dev server the front door of a Space app: the micro Vite serves keeps every request
 * nobody else owns (including Vite's HMR socket), the other micros are started and receive their
 * paths, exactly as the Space runtime routed them.
 *
 * Dev server only: under `vite preview` it only says that micros are not routed there. Inside a micro that space-router itself spawned (its
 * environment names the micro) the plugin stays out of the way, so the app is never started twice;
 * so it does under Vitest, whose server for the same config routes no requests to micros.
 */
export function spaceRouterPlugin(options: SpaceRouterPluginOptions = {}): Plugin {
  // Keyed by resolved config: an inline config hands this same plugin object to every server that
  // Vite restarts into.
  const setups = new WeakMap<ResolvedConfig, Setup>();
  let previewing = false;
  return {
    name: 'space-router',
    apply: (_config, env) => env.command === 'serve' && !process.env.DETA_SPACE_APP_MICRO_NAME && !process.env.VITEST,
    config(_config, env) {
      previewing = env.isPreview === true;
    },
    // A bad Spacefile or option fails here, before Vite opens watchers and sockets it would leave open.
    configResolved(config) {
      if (!previewing) setups.set(config, setUp(config.root, options));
    },
    // Without a word, `/api/users` would get the built index.html with a 200 and look like a bug.
    configurePreviewServer(server) {
      server.config.logger.warn(
        'space-router: vite preview serves the built frontend only; micros are not started or routed here. ' +
          'For the whole app run `vite` (dev) or `npx space-router dev`.',
      );
    },
    // Registered in the hook body, not in a returned function, so the router runs before Vite's
    // transform, static and SPA-fallback middlewares (otherwise `/api/users` would get index.html).
    configureServer(server) {
      return install(server, setups.get(server.config) ?? setUp(server.config.root, options), options);
    },
  };
}

export default spaceRouterPlugin;

interface Setup {
  file: string;
  source: string;
  self: string;
}

function setUp(viteRoot: string, options: SpaceRouterPluginOptions): Setup {
  const file = findSpacefile(viteRoot, options.spacefile);
  const source = readFileSync(file, 'utf8');
  const self = selfMicro(loadSpacefile(file), file, viteRoot, options.micro).name;
  return { file, source, self };
}

async function install(server: ViteDevServer, { file, source, self }: Setup, options: SpaceRouterPluginOptions): Promise<void> {
  const { spacefile: _spacefile, micro: _micro, ...routerOptions } = options;
  const viteLogger = server.config.logger;
  const logger = routerOptions.logger ?? plainLogger(viteLogger);
  const lease = leaseRouter(
    JSON.stringify([file, source, self, routerOptions.env, routerOptions.readyTimeout, routerOptions.proxyTimeout, routerOptions.restart, routerOptions.auth]),
  );
  const create = (hostname: string | undefined) => () =>
    spaceRouter(file, { ...routerOptions, logger, self, hostname });
  const report = (error: unknown) =>
    viteLogger.error(`space-router: ${error instanceof Error ? error.message : String(error)}`, { timestamp: true });

  server.middlewares.use(function spaceRouterMiddleware(req, res, next) {
    const router = lease.router;
    if (router) router(req, res, next);
    else next();
  });

  // In middleware mode the host owns the HTTP server; the one it gave Vite for HMR is where upgrades
  // arrive. Vite restarts keep that server, so each plugin instance removes its listener on close.
  const upgrades = server.httpServer ?? hmrServerOf(server.config);
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (isViteHmr(req)) return;
    lease.router?.upgrade(req, socket, head);
  };
  upgrades?.on('upgrade', onUpgrade);

  const close = server.close;
  // Vite calls close() on the old server during a restart and again on shutdown; every path ends
  // here, and the lease is released once.
  server.close = async () => {
    upgrades?.off('upgrade', onUpgrade);
    try {
      await close.call(server);
    } finally {
      await lease.release();
    }
  };

  server.watcher.add(file);
  server.watcher.on('change', (changed) => {
    if (path.resolve(changed) === file) void server.restart();
  });

  if (!server.httpServer) {
    // No address to learn: the host listens whenever it likes, so the micros start now.
    if (!upgrades) {
      viteLogger.warn(
        'space-router: Vite runs in middleware mode without server.hmr.server, so websockets to the micros cannot be routed. ' +
          'Pass the HTTP server your app listens on as server.hmr.server (Vite then shares it for HMR too).',
      );
    }
    await lease.start(create(undefined), report);
    return;
  }

  // Micros start once Vite listens, so DETA_SPACE_APP_HOSTNAME can name the real address; `listen()`
  // resolves only when they are ready, so Vite prints its URLs when the whole app answers.
  const listen = server.listen;
  server.listen = async (...args: Parameters<ViteDevServer['listen']>) => {
    const listening = await listen.apply(server, args);
    await lease.start(create(hostOf(server)), report);
    return listening;
  };
}

/** Vite's own HMR and ping sockets; everything else may belong to a micro. */
function isViteHmr(req: IncomingMessage): boolean {
  const protocols = req.headers['sec-websocket-protocol'];
  if (!protocols) return false;
  return protocols.split(',').some((protocol) => {
    const name = protocol.trim();
    return name === 'vite-hmr' || name === 'vite-ping';
  });
}

/** The server a middleware-mode host handed Vite for HMR (`server.hmr.server`), if any. */
function hmrServerOf(config: ResolvedConfig): HttpServer | undefined {
  const hmr = config.server.hmr;
  return typeof hmr === 'object' ? hmr.server : undefined;
}

function hostOf(server: ViteDevServer): string | undefined {
  const local = server.resolvedUrls?.local[0];
  if (local) return new URL(local).host;
  const address = server.httpServer?.address();
  return address && typeof address === 'object' ? `localhost:${address.port}` : undefined;
}

/** Vite's logger without its options argument, so micro lines go where Vite's own output goes. */
function plainLogger(logger: ViteLogger): NonNullable<RouterOptions['logger']> {
  return {
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

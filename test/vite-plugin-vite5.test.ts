import { test } from 'node:test';
import { createServer, type PluginOption } from 'vite5';
import spaceRouter from 'space-router/vite';
import { frontendDir, runPluginScenario } from './fixtures/integrations/vite-scenario.js';

// Vite 5, the oldest major the plugin supports, with the plugin in an inline config (restarts
// then reuse the very same plugin object, the other way Vite hands plugins to a new server).
test('space-router/vite on Vite 5 with an inline config', async (t) => {
  await runPluginScenario(t, (port) =>
    createServer({
      root: frontendDir,
      configFile: false,
      logLevel: 'warn',
      plugins: [spaceRouter() as PluginOption],
      server: { host: '127.0.0.1', port, strictPort: true },
    }),
  );
});

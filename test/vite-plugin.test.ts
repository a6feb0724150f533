import { test } from 'node:test';
import { createServer } from 'vite';
import { frontendDir, runPluginScenario } from './fixtures/integrations/vite-scenario.js';

// Vite 7, loading the example's own vite.config.ts. The native loader lets Node resolve
// `space-router/vite` the way an installed package would be (Vite's bundling loader cannot resolve
// a package importing itself from inside its own repository).
test('space-router/vite on Vite 7 with the example app', async (t) => {
  await runPluginScenario(t, (port) =>
    createServer({
      root: frontendDir,
      configLoader: 'native',
      logLevel: 'warn',
      server: { host: '127.0.0.1', port, strictPort: true },
    }),
  );
});

import { defineConfig } from 'vite';
import spaceRouter from 'space-router/vite';

// The Spacefile is found upward from this directory; this Vite server is the `frontend` micro
// (its src is this directory), so only the api micro is started.
export default defineConfig({
  plugins: [spaceRouter()],
});

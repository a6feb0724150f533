import { spawn } from 'node:child_process';

/** Best effort: a missing opener or a headless machine must never stop the dev server. */
export function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Spawning itself can throw synchronously (e.g. EACCES); opening the browser is optional.
  }
}

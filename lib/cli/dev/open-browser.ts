import { spawn } from 'node:child_process';

/**
 * Best effort: a missing opener or a headless machine must never stop the dev server, but the user
 * who asked for --open is told, through `onFailure`, that nothing opened.
 */
export function openBrowser(url: string, onFailure: (reason: string) => void): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', (error: NodeJS.ErrnoException) => {
      onFailure(error.code === 'ENOENT' ? `${command} is not installed` : `${command}: ${error.message}`);
    });
    child.on('exit', (code) => {
      if (code !== null && code !== 0) onFailure(`${command} exited with code ${code}`);
    });
    child.unref();
  } catch (error) {
    // Spawning itself can throw synchronously (e.g. EACCES).
    onFailure(`${command}: ${(error as Error).message}`);
  }
}

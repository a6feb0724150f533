/**
 * `space-router dev` in a real terminal: an 80-column tmux pane (Debian package `tmux`), read back
 * with capture-pane. -J joins lines the terminal wrapped, so a line longer than the pane shows up
 * as one long line instead of two short ones.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import getPort from 'get-port';
import { quote } from 'shell-quote';
import { canBind, cliArgv, repoRoot } from './fixtures/cli/run-cli.js';

const WIDTH = 80;
const socket = `space-router-cli-test-${process.pid}`;

function tmux(...args: string[]): string {
  const env = { ...process.env };
  // Colour decisions must come from the pane, not from the test runner's environment.
  delete env.CI;
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  return execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env });
}

async function waitForPane(session: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  // Bounded by the deadline; one capture every 100 ms.
  while (Date.now() < deadline) {
    screen = tmux('capture-pane', '-p', '-J', '-t', session);
    if (pattern.test(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${pattern} in the pane after ${timeoutMs} ms:\n${screen}`);
}

/** Start `space-router dev` in its own pane (80x40 unless told); the shell reports the exit code and stays open. */
function startInPane(session: string, args: string[], width = WIDTH): void {
  const command = `${quote([process.execPath, ...cliArgv(args)])}; echo "[exit $?]"; sleep 120`;
  tmux('new-session', '-d', '-s', session, '-x', String(width), '-y', '40', '-c', repoRoot, command);
}

function rows(screen: string): string[] {
  return screen.split('\n').map((line) => line.trimEnd());
}

describe('space-router dev in an 80-column terminal', () => {
  after(() => {
    try {
      tmux('kill-server');
    } catch {
      // No server left to kill.
    }
  });

  for (const colour of [false, true]) {
    test(`progress and table render cleanly ${colour ? 'in colour' : 'with --no-color'}`, async () => {
      const session = colour ? 'colour' : 'plain';
      const port = await getPort({ host: '127.0.0.1' });
      const args = ['dev', 'test/fixtures/cli/wide', '--host', '127.0.0.1', '--port', String(port)];
      startInPane(session, colour ? args : [...args, '--no-color']);
      const screen = rows(await waitForPane(session, /Ctrl-C to stop/));

      for (const line of screen) assert.ok(line.length <= WIDTH, `longer than ${WIDTH} columns: "${line}"`);
      assert.ok(screen[0]!.startsWith('space-router dev  test/fixtures/cli/wide/Spacefile  (frontend-application, '));
      assert.ok(screen[0]!.endsWith('…'));
      assert.equal(screen[1], `  listening on http://127.0.0.1:${port}/; starting micros…`);
      const progress = screen.slice(2, screen.indexOf(''));
      assert.ok(progress.includes('  ◌ frontend-application  starting'), progress.join('\n'));
      assert.ok(progress.includes('  ◌ analytics-collector   starting'), progress.join('\n'));
      assert.ok(progress.some((line) => /^ {2}✓ documentation {9}ready +\d+\.\ds {2}static files$/.test(line)), progress.join('\n'));
      assert.ok(progress.some((line) => /^ {2}✓ analytics-collector {3}ready +\d+\.\ds {2}port \d+$/.test(line)));

      const header = screen.indexOf('  MICRO                 PATH                              PORT   STATE');
      assert.ok(header > 0, screen.join('\n'));
      assert.match(screen[header + 1]!, /^ {2}frontend-application {2}\/ {33}\d+ {2}ready$/);
      assert.match(screen[header + 2]!, /^ {2}analytics-collector {3}\/internal\/analytics\/collector\/v2 {2}\d+ {2}ready$/);
      assert.equal(screen[header + 3], '  documentation         /documentation/reference/latest   -      ready');
      assert.match(screen[header + 5]!, new RegExp(`^  ➜ http://127\\.0\\.0\\.1:${port}/  ready in \\d+\\.\\ds · Ctrl-C to stop$`));
      // Whatever the colours, nothing of an escape sequence is left on screen as text.
      assert.doesNotMatch(screen.join('\n'), /\[\d+(;\d+)*m|\u001b/);

      const styled = tmux('capture-pane', '-p', '-J', '-e', '-t', session);
      if (colour) assert.match(styled, /\u001b\[/);
      else assert.doesNotMatch(styled, /\u001b/, 'escape codes printed with --no-color');

      tmux('send-keys', '-t', session, 'C-c');
      const stoppedScreen = rows(await waitForPane(session, /\[exit \d+\]/, 15_000));
      assert.ok(stoppedScreen.includes('  ✓ stopped'), stoppedScreen.join('\n'));
      assert.ok(stoppedScreen.includes('[exit 0]'), stoppedScreen.join('\n'));
      assert.equal(await canBind(port), true);
    });
  }

  test('in a narrow terminal the table shrinks but the URLs to open are never cut', async () => {
    const session = 'narrow';
    const port = await getPort({ host: '127.0.0.1' });
    startInPane(session, ['dev', 'test/fixtures/cli/wide', '--host', '127.0.0.1', '--port', String(port), '--auth', '--no-color'], 40);
    const screen = rows(await waitForPane(session, /sign in at/));
    const origin = `http://127.0.0.1:${port}/`;
    assert.ok(screen.includes(`  listening on ${origin}`), screen.join('\n'));
    assert.ok(screen.includes(`  ➜ ${origin}`), screen.join('\n'));
    // Wider than the pane: the terminal wraps it, and -J joins it back whole.
    assert.ok(screen.includes(`  ➜ auth on: sign in at ${origin}__space/signin`), screen.join('\n'));
    tmux('send-keys', '-t', session, 'C-c');
    const stoppedScreen = rows(await waitForPane(session, /\[exit \d+\]/, 15_000));
    assert.ok(stoppedScreen.includes('[exit 0]'), stoppedScreen.join('\n'));
    assert.equal(await canBind(port), true);
  });
});

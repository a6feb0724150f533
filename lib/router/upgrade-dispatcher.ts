import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Micro } from '../spacefile/types.js';
import type { Supervisor } from '../supervisor/types.js';
import type { AuthGate } from '../runtime/types.js';
import type { RouteTable } from './route-table.js';
import type { MicroProxy } from './micro-proxy.js';
import type { ProblemKind } from './micro-problem.js';
import { holdForMicro, type HoldOutcome } from './hold.js';
import { writeUpgradeProblem, type RouterProblem } from './error-response.js';

export interface UpgradeDispatcherOptions {
  route: RouteTable;
  /** The micro the host serves itself: its upgrades are left alone. */
  self?: string;
  gate?: AuthGate;
  proxies: ReadonlyMap<string, MicroProxy>;
  statics: ReadonlySet<string>;
  supervisor: Pick<Supervisor, 'status' | 'waitReady'>;
  readyTimeout: number;
  problemFor(micro: Micro, kind: ProblemKind, detail?: string): RouterProblem;
  isClosing(): boolean;
  /** Called for every upgrade the router takes (learns the host address, starts the micros). */
  onTaken(req: IncomingMessage): void;
}

/**
 * Route upgrades (websockets, and any other protocol a micro may switch to) by the same table as
 * requests. Every `upgrade` listener on a server sees every upgrade, so this returns false, touching
 * nothing, for sockets that are not a micro's: `/__space` and the host's own (`self`) routes, such
 * as a dev server's HMR endpoint.
 */
export function createUpgradeDispatcher(options: UpgradeDispatcherOptions) {
  const { proxies, statics, supervisor, readyTimeout, problemFor } = options;
  // A socket relayed twice (two listeners both calling upgrade) would get every answer twice.
  const taken = new WeakSet<Duplex>();

  return function dispatchUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (taken.has(socket)) return true;
    const match = options.route(req.url ?? '/');
    if (match.micro === null || match.micro.name === options.self) return false;
    const micro = match.micro;
    taken.add(socket);
    // From here the socket is ours; Node's server no longer guards it, so an error must not go unheard.
    socket.on('error', () => {});
    options.onTaken(req);
    if (options.gate && !options.gate.allowsUpgrade(req, match)) {
      writeUpgradeProblem(socket, {
        status: 401,
        code: 'unauthorized',
        title: 'Unauthorized',
        message: `Websockets to the ${micro.name} micro need a signed-in session or an API key.`,
      });
      return true;
    }
    if (statics.has(micro.name)) {
      writeUpgradeProblem(socket, {
        status: 404,
        code: 'static_no_websocket',
        title: `The static micro "${micro.name}" has no websockets`,
        message: `${req.url} belongs to a static micro, which only serves files.`,
      });
      return true;
    }
    const proxy = proxies.get(micro.name);
    if (!proxy || options.isClosing()) {
      writeUpgradeProblem(socket, problemFor(micro, proxy ? 'not_running' : 'not_started'));
      return true;
    }
    const connect = (held: HoldOutcome) => {
      if (socket.destroyed) return;
      if (held.kind === 'ready') proxy.upgrade(req, socket, head, match);
      else if (held.kind === 'timeout') writeUpgradeProblem(socket, problemFor(micro, 'still_starting', String(readyTimeout)));
      else writeUpgradeProblem(socket, problemFor(micro, 'not_running'));
    };
    const outcome = holdForMicro(supervisor, micro.name, readyTimeout);
    if (outcome instanceof Promise) outcome.then(connect, () => socket.destroy());
    else connect(outcome);
    return true;
  };
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import getPort, { portNumbers } from 'get-port';

export const DEFAULT_PORT = 4200;
const PORT_RANGE_END = 4299;
const ATTEMPTS = 10;

/**
 * Listen on `port`, or on the first free port from 4200 like `space dev`. An explicit port that is
 * taken is an error; a free port lost to another process between check and bind is retried.
 */
export async function listen(server: Server, host: string, port: number | undefined): Promise<number> {
  if (port !== undefined) {
    await bind(server, host, port).catch((error: NodeJS.ErrnoException) => {
      throw bindError(error, host, port);
    });
    // Port 0 asks the system for any free port.
    return (server.address() as AddressInfo).port;
  }
  for (let attempt = 1; ; attempt++) {
    // get-port checks every local interface, so 4200 taken on 127.0.0.1 is not reused on ::1.
    const candidate = await getPort({ port: portNumbers(DEFAULT_PORT, PORT_RANGE_END) });
    if (candidate < DEFAULT_PORT || candidate > PORT_RANGE_END) {
      throw new Error(`Every port from ${DEFAULT_PORT} to ${PORT_RANGE_END} is in use; choose one with --port.`);
    }
    try {
      await bind(server, host, candidate);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === ATTEMPTS) {
        throw bindError(error as NodeJS.ErrnoException, host, candidate);
      }
    }
  }
}

function bind(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function bindError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new Error(
        `Port ${port} on ${host} is already in use. Stop what is using it, pass another --port, ` +
          `or leave out --port to take the first free port from ${DEFAULT_PORT}.`,
      );
    case 'EACCES':
      return new Error(`Port ${port} on ${host} needs privileges this user lacks; pass a port above 1023 with --port.`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new Error(`Cannot listen on host "${host}": it is not an address of this machine. Try --host localhost.`);
    default:
      return error;
  }
}

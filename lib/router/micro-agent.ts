import { Agent, type ClientRequestArgs } from 'node:http';
import { Socket, type SocketConstructorOpts, type TcpNetConnectOpts } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * A connection to a micro on which a failed write does not end the reading.
 *
 * A micro may answer an upload before reading it and close the connection (Python's http.server
 * and Node with `Connection: close` do, for a 413): its kernel resets the connection over the
 * unread bytes. Our next body write then fails with EPIPE or ECONNRESET, usually before the
 * answer, already in our receive buffer, was read, and a plain socket destroys itself on that
 * error: Node's HTTP client reports a failed request and the answer is lost. Here the write error
 * is held instead and the rest of the body is dropped, so the socket goes on reading: the answer
 * comes through, and then the reset, which ends the exchange as a failure if no answer came.
 */
class MicroSocket extends Socket {
  /** A write failed: the connection is broken, whatever it still has to read. */
  broken = false;

  override _write(chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.broken) return callback();
    super._write(chunk, encoding, this.holdResetError(callback));
  }

  override _writev(chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    if (this.broken) return callback();
    super._writev!(chunks, this.holdResetError(callback));
  }

  private holdResetError(callback: (error?: Error | null) => void): (error?: Error | null) => void {
    return (error) => {
      const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
      if (code !== 'EPIPE' && code !== 'ECONNRESET') return callback(error);
      // The peer reset the connection, so reading ends too, after whatever the micro sent before.
      this.broken = true;
      callback();
    };
  }
}

/**
 * The keep-alive agent for one micro: its connections are MicroSockets, and one whose write
 * failed is never pooled (Node would pool it if the request happened to finish).
 */
export class MicroAgent extends Agent {
  constructor() {
    super({ keepAlive: true });
  }

  override createConnection(options: ClientRequestArgs): Duplex {
    const socket = new MicroSocket(options as SocketConstructorOpts);
    if (options.timeout) socket.setTimeout(options.timeout);
    return socket.connect(options as TcpNetConnectOpts);
  }

  override keepSocketAlive(socket: Duplex): boolean {
    if (socket instanceof MicroSocket && socket.broken) return false;
    // Node's own method says whether to keep the socket; @types/node declares it void.
    return super.keepSocketAlive(socket) as unknown as boolean;
  }
}

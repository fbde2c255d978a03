import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

/** A listening server: its port (the one asked for, or the one the kernel gave for 0) and its stop. */
export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on `port` (0 = any free port) at `host`, resolving once bound or rejecting with the bind
 * error (port taken, address not local); close() ends open keep-alive connections too, so a stop is
 * never held up by an idle client.
 */
export async function listen(server: HttpServer | HttpsServer, port: number, host: string): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr !== null ? addr.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

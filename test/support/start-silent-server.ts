import { createServer, type Socket } from 'node:net';

export interface SilentServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT */
  address: string;
  /** How many connections it accepted. */
  connections(): number;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * A TCP server that accepts connections and never answers: a frozen server, as a client sees it
 * (the connection succeeds, the reply never comes). Only a deadline gets a client out.
 */
export function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => sockets.delete(socket));
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read and drop the request
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        address: `127.0.0.1:${port}`,
        connections: () => accepted,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now, for a private server of a test. */
export function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

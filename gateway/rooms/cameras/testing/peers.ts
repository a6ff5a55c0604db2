import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A free TCP port on 127.0.0.1 (bind 0, read it, close). */
export async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A TCP server that answers every connection with garbage bytes. */
export async function garbageServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server: TcpServer = createTcpServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    sock.write(Buffer.from('\x00\xff\x13garbage\r\n\r\n\x80\x81RTSP/9.9 ???\r\n\r\n', 'latin1'));
    sock.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A plain HTTP server (a URL that is not RTSP). */
export async function httpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not a camera</html>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on 127.0.0.1 for the load generator to hit. */
export interface LoopbackServer {
  url: string;
  /** Requests received so far. */
  received: number;
  close(): Promise<void>;
}

export type LoopbackHandler = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
  body: string,
  index: number,
) => void;

export async function startLoopbackServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    const index = state.received++;
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, response, Buffer.concat(chunks).toString(), index));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: LoopbackServer = {
    url: `http://127.0.0.1:${port}/invocations`,
    received: 0,
    close: () =>
      new Promise<void>((resolve) => {
        // Kept-alive and never-answered connections would hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}

/** The address of a port that nothing listens on (it was free a moment ago). */
export async function closedPortUrl(): Promise<string> {
  const server = await startLoopbackServer(() => undefined);
  await server.close();
  return server.url;
}

export function answerOk(response: http.ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"predictions":[0.5]}');
}

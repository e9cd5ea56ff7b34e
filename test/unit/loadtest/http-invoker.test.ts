import type { Socket } from 'node:net';
import { createHttpInvoker, type HttpInvoker } from '../../../src/loadtest/http-invoker';
import { answerOk, startLoopbackServer, type LoopbackServer } from './loopback-server';

let server: LoopbackServer | undefined;
let invoker: HttpInvoker | undefined;
afterEach(async () => {
  invoker?.close();
  await server?.close();
});

describe('the HTTP invoker', () => {
  test('keeps every socket of a burst for the next one, past the 256 idle ones Node keeps by default', async () => {
    const burst = 400;
    const sockets = new Set<Socket>();
    let held: (() => void)[] = [];
    // Answers only once the whole burst has arrived, so each request holds its own socket.
    server = await startLoopbackServer((request, response) => {
      sockets.add(request.socket);
      held.push(() => answerOk(response));
      if (held.length === burst) {
        for (const answer of held) answer();
        held = [];
      }
    });
    invoker = createHttpInvoker({
      url: server.url,
      body: '{}',
      contentType: 'application/json',
      timeoutMs: 10_000,
    });
    const send = invoker.send;
    await Promise.all(Array.from({ length: burst }, () => send()));
    expect(sockets.size).toBe(burst);
    await Promise.all(Array.from({ length: burst }, () => send()));
    // No new connection: a reconnect per request is what slowed the generator under load.
    expect(sockets.size).toBe(burst);
  });
});

import http from 'node:http';

/**
 * The loadgen benchmark's target, run as a child process so that serving
 * never competes with the load generators for the same event loop: it
 * answers every request at once, so what limits the rate is the generator.
 * Reports its port over IPC, and exits when its parent goes away.
 */
const server = http.createServer((request, response) => {
  // Read the body before answering, as a real endpoint does, so the socket stays reusable.
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    response.end('ok');
  });
});
// Above the generators' own idle times, so the target never closes a kept-alive socket first.
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port to report');
  process.send?.({ port: address.port });
});
process.on('disconnect', () => process.exit(0));

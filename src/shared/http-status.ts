import http from 'node:http';

/**
 * The status code of a GET, on a connection that is closed afterwards.
 * Readiness probes use this instead of fetch(), whose pooled keep-alive
 * sockets would hold a short-lived CLI or test process open for seconds.
 */
export function httpStatus(url: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () =>
      request.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)),
    );
    request.on('error', reject);
  });
}

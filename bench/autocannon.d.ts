/**
 * The part of autocannon 9's programmatic API the loadgen benchmark uses:
 * the package ships no types and @types/autocannon is not a dependency.
 */
declare module 'autocannon' {
  interface Options {
    url: string;
    method?: 'GET' | 'POST';
    body?: string;
    headers?: Record<string, string>;
    connections?: number;
    /** Requests per second across all connections (each connection is capped at its share per second). */
    overallRate?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds before a request counts as a timeout. */
    timeout?: number;
  }

  /** Percentiles as autocannon names them: p50, p99, p99_9... */
  type Histogram = Record<string, number> & { mean: number; max: number; total: number };

  interface Result {
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    /** Milliseconds. */
    latency: Histogram & { totalCount: number };
    /** Per second, over the run's one-second samples; `total` is the completed requests. */
    requests: Histogram & { sent: number };
  }

  function autocannon(options: Options): Promise<Result>;
  export = autocannon;
}

import autocannon from 'autocannon';

export type LoadOptions = {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
};

export type Measurement = {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Average response size, headers included. */
  bytesPerResponse: number;
  responses: number;
  /** Anything other than a 2xx response, plus connection errors and time-outs. */
  failures: { non2xx: number; errors: number; timeouts: number; statusCodes: string };
};

let current: autocannon.Instance | undefined;

/** Stops the run under way, if any (on Ctrl-C). */
export function stopLoad(): void {
  current?.stop();
}

/**
 * Keeps `connections` requests in flight for `seconds` and measures them. Latencies are recorded here at
 * sub-millisecond resolution (autocannon's own histogram keeps whole milliseconds and has no p95).
 */
export function runLoad(options: LoadOptions): Promise<Measurement> {
  const { hostname } = new URL(options.url);
  if (hostname !== '127.0.0.1') throw new Error(`The benchmark only sends load to 127.0.0.1, not ${hostname}`);
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        pipelining: 1,
        timeout: 10,
        headers: options.headers ?? {},
      },
      (error, result) => {
        current = undefined;
        if (error) return reject(error);
        const sorted = Float64Array.from(latencies).sort();
        const responses = result.requests.total;
        resolve({
          requestsPerSecond: result.duration > 0 ? responses / result.duration : 0,
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          p99: percentile(sorted, 99),
          bytesPerResponse: responses > 0 ? result.throughput.total / responses : 0,
          responses,
          failures: {
            non2xx: result.non2xx,
            errors: result.errors,
            timeouts: result.timeouts,
            statusCodes: Object.entries(result.statusCodeStats)
              .map(([code, { count }]) => `${code}×${count}`)
              .join(', '),
          },
        });
      },
    );
    current = instance;
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
    });
  });
}

/** Nearest-rank percentile of sorted values; NaN when there are none. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

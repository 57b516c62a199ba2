// Waiting for a broker that is not there yet: a clear log line per attempt and exponential
// backoff, instead of crashing and letting a supervisor restart us in a loop.
import type { LogSink } from './log-sink.ts';

export interface RetryConnectOptions {
  readonly what: string;
  readonly logger: LogSink;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Give up after this long (default: never, a service waits for its broker). */
  readonly deadlineMs?: number;
}

export async function retryConnect<T>(connect: () => Promise<T>, options: RetryConnectOptions): Promise<T> {
  const started = Date.now();
  let delay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await connect();
      if (attempt > 1) options.logger.info({ attempt }, `${options.what}: connected`);
      return result;
    } catch (error) {
      const elapsed = Date.now() - started;
      if (options.deadlineMs !== undefined && elapsed + delay > options.deadlineMs) {
        throw new Error(`${options.what}: unavailable after ${attempt} attempts over ${elapsed} ms: ${(error as Error).message}`, { cause: error });
      }
      options.logger.warn({ attempt, retryInMs: delay, err: (error as Error).message }, `${options.what}: unavailable, retrying`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

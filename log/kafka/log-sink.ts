// The logging the Kafka adapter needs: the pino-compatible subset, so a pino logger (or a
// test double that records lines) can be injected.
import { logLevel, type logCreator } from 'kafkajs';

export interface LogSink {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

// The append producer's retries are bounded on purpose (an append must fail rather than hang
// while the broker is away); kafkajs warns about that on every connect.
const boundedRetriesWarning = 'Limiting retries for the idempotent producer';

/** Routes kafkajs' own log lines into our sink (kafkajs logs to the console otherwise). */
export function kafkajsLogCreator(sink: LogSink): logCreator {
  return () => ({ namespace, level, log }) => {
    const { message, ...fields } = log;
    const line = { kafkajs: namespace, ...fields };
    // kafkajs logs every protocol error response at ERROR from its Connection, and every retry
    // at ERROR from its producer, retriable ones included (rebalances, concurrent
    // transactions). What really failed reaches the caller as a rejection and is reported
    // there, so kafkajs' own errors are warnings here.
    if (namespace === 'Connection' || message.startsWith(boundedRetriesWarning)) sink.debug(line, message);
    else if (level === logLevel.ERROR || level === logLevel.WARN) sink.warn(line, message);
    else if (level === logLevel.INFO) sink.info(line, message);
    else sink.debug(line, message);
  };
}

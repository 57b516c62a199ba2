// The default LogSink: a pino logger at LEDGER_LOG_LEVEL, on stderr.
import pino from 'pino';
import type { LogSink } from './log-sink.ts';

export function pinoSink(level: string, name = 'kafka-log'): LogSink {
  return pino({ name, level }, pino.destination(2));
}

// The process logger: JSON lines (pino) at LEDGER_LOG_LEVEL.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'call-ledger'): Logger {
  return pino({ name, level });
}

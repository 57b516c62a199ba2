// The routing pipeline as a component of `call-ledger run` (shaped like cli/components.ts'
// Component, which it does not import: cli/ imports streams/, never the other way round): the
// sequencer, the routing processor and the ticker for the configured sites, with decider state
// snapshotted to PostgreSQL so a restart resumes from the snapshot and the tail of the log.
import type { Logger } from '../../platform/logger.ts';
import type { Ledger } from '../../platform/open-ledger.ts';
import { PostgresSnapshotStore } from '../runtime/snapshot-store.ts';
import { routingTopics, startRoutingService } from './routing-service.ts';
import { componentFailed } from '../../platform/component-failure.ts';

export const routingComponent = {
  name: 'routing',
  async start(ledger: Ledger, logger: Logger): Promise<{ readonly name: string; stop(): Promise<void> }> {
    const { sites, tickMs } = ledger.config.routing;
    await ledger.log.createTopics(routingTopics((topic) => topic, ledger.config.topicPartitions));
    const service = await startRoutingService({
      log: ledger.log,
      codec: ledger.codec,
      snapshots: new PostgresSnapshotStore(ledger.pool, ledger.config.dbSchema),
      sites,
      ticks: { intervalMs: tickMs, now: Date.now, onError: (error) => logger.warn({ err: error }, 'routing ticker: tick not appended') },
      onDeadLetter: (record, reason) => logger.warn({ topic: record.topic, offset: record.offset, reason }, 'routing: input dead-lettered'),
      onDecisions: (_records, input) => ledger.decisionLatency.recordInput(input),
    });
    service.done.catch((error: unknown) => {
      logger.error({ err: error }, 'routing stopped');
      componentFailed('routing', error);
    });
    logger.info({ sites, tickMs }, 'routing live');
    return { name: 'routing', stop: () => service.stop() };
  },
};

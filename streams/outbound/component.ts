// The outbound dialer as a component of `call-ledger run` (shaped like cli/components.ts'
// Component, which it does not import): sequencer, dialer and ticker for the routing sites, at
// the routing tick interval, with dialer state snapshotted to PostgreSQL.
import type { Logger } from '../../platform/logger.ts';
import type { Ledger } from '../../platform/open-ledger.ts';
import { PostgresSnapshotStore } from '../runtime/snapshot-store.ts';
import { outboundTopics, startOutboundService } from './outbound-service.ts';
import { componentFailed } from '../../platform/component-failure.ts';

export const outboundComponent = {
  name: 'outbound',
  async start(ledger: Ledger, logger: Logger): Promise<{ readonly name: string; stop(): Promise<void> }> {
    const { sites, tickMs } = ledger.config.routing;
    await ledger.log.createTopics(outboundTopics((topic) => topic, ledger.config.topicPartitions));
    const service = await startOutboundService({
      log: ledger.log,
      codec: ledger.codec,
      snapshots: new PostgresSnapshotStore(ledger.pool, ledger.config.dbSchema),
      sites,
      ticks: { intervalMs: tickMs, now: Date.now, onError: (error) => logger.warn({ err: error }, 'outbound ticker: tick not appended') },
      onDeadLetter: (record, reason) => logger.warn({ topic: record.topic, offset: record.offset, reason }, 'outbound: input dead-lettered'),
    });
    service.done.catch((error: unknown) => {
      logger.error({ err: error }, 'outbound dialer stopped');
      componentFailed('outbound', error);
    });
    logger.info({ sites, tickMs }, 'outbound dialer live');
    return { name: 'outbound', stop: () => service.stop() };
  },
};

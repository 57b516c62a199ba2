// call-ledger run: the product in one process — the ledger (embedded PostgreSQL log by default,
// or Kafka), its topics and schemas, then every component in cli/components.ts.
import { readConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { onShutdown } from '../../platform/shutdown.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import { components, type RunningComponent } from '../components.ts';

export async function runProduct(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  logger.info({ log: config.log, database: config.databaseUrl ? 'configured' : 'embedded' }, 'starting Call Ledger');
  const ledger = await openLedger(config, { warn: (message) => logger.warn(message) });
  const running: RunningComponent[] = [];
  onShutdown(logger, async () => {
    for (const component of running.reverse()) await component.stop();
    await ledger.close();
  });
  await ledger.log.createTopics(ledgerTopics(config, ledger.codec.catalogue));
  await ledger.codec.registerAll();
  logger.info({ topics: ledger.codec.catalogue.topics, eventTypes: ledger.codec.catalogue.all.length }, 'topics and schemas ready');
  for (const component of components) {
    running.push(await component.start(ledger, logger));
    logger.info({ component: component.name }, 'started');
  }
  logger.info({ components: running.map((c) => c.name), database: ledger.databaseUrl.replace(/:[^:@/]+@/, ':***@') }, 'Call Ledger is running (Ctrl-C to stop)');
}

// Builds the configured LedgerLog adapter (LEDGER_LOG). The one place that knows both adapters.
import type { LedgerConfig } from '../platform/config.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../platform/embedded-postgres.ts';
import { EmbeddedLog, type EmbeddedLogOptions } from './embedded/embedded-log.ts';
import { KafkaLog, type KafkaLogOptions } from './kafka/kafka-log.ts';
import { pinoSink } from './kafka/pino-sink.ts';
import type { LedgerLog } from './port.ts';

export interface OpenLogDeps {
  /** Embedded adapter tuning (tests shorten the session timeout). */
  readonly embedded?: Partial<Omit<EmbeddedLogOptions, 'connectionString' | 'schema' | 'onClose'>>;
  /** Embedded adapter without LEDGER_DATABASE_URL: how to start PostgreSQL (default: embedded-postgres). */
  readonly startPostgres?: (dataDir: string) => Promise<RunningPostgres>;
  /** Kafka adapter tuning (tests shorten the session timeout and bound the wait for the broker). */
  readonly kafka?: Partial<Pick<KafkaLogOptions, 'sessionTimeoutMs' | 'connectDeadlineMs' | 'transactionTimeoutMs' | 'logger'>>;
}

export async function openLog(config: LedgerConfig, deps: OpenLogDeps = {}): Promise<LedgerLog> {
  switch (config.log) {
    case 'embedded':
      return openEmbeddedLog(config, deps);
    case 'kafka':
      return KafkaLog.open({
        brokers: config.kafkaBrokers,
        clientId: config.kafkaClientId,
        defaultPartitions: config.topicPartitions,
        replicationFactor: config.topicReplication,
        logger: pinoSink(config.logLevel),
        ...deps.kafka,
      });
  }
}

async function openEmbeddedLog(config: LedgerConfig, deps: OpenLogDeps): Promise<EmbeddedLog> {
  let started: RunningPostgres | undefined;
  let connectionString = config.databaseUrl;
  if (connectionString === undefined) {
    started = await (deps.startPostgres ?? ((dataDir) => startEmbeddedPostgres({ dataDir })))(config.dataDir);
    connectionString = started.url;
  }
  try {
    return await EmbeddedLog.open({
      defaultPartitions: config.topicPartitions,
      ...deps.embedded,
      connectionString,
      schema: config.dbSchema,
      onClose: started ? () => started.stop() : undefined,
    });
  } catch (error) {
    await started?.stop();
    throw error;
  }
}

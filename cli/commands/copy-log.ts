// `call-ledger copy-log`: moves a ledger between adapters (embedded ⇄ Kafka, or between two
// embedded schemas) with log/copy-log.ts: byte for byte between embedded logs (schemas copied with
// their ids); to or from Kafka the schema ids are translated to the target registry and the Avro
// bodies copied byte for byte.
import { readConfig, type LedgerConfig } from '../../platform/config.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../../platform/embedded-postgres.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { copyLog } from '../../log/copy-log.ts';
import { EmbeddedLog } from '../../log/embedded/embedded-log.ts';
import { EmbeddedSchemaRegistry } from '../../log/embedded/embedded-schema-registry.ts';
import { openLog } from '../../log/open-log.ts';
import type { LedgerLog } from '../../log/port.ts';
import { SchemaIdTranslator } from '../../log/schema-id-translation.ts';
import { ConfluentSchemaRegistry } from '../../schemas/registry/confluent-registry.ts';
import type { SchemaRegistry } from '../../schemas/registry/schema-registry.ts';

/** The registry whose ids a log's values carry: its own schema table when embedded, else the configured registry. */
function registryOf(log: LedgerLog, config: LedgerConfig): SchemaRegistry {
  return log instanceof EmbeddedLog ? new EmbeddedSchemaRegistry(log.pool, log.schema) : new ConfluentSchemaRegistry(config.registryUrl);
}

export interface CopyLogCommandOptions {
  readonly from: 'embedded' | 'kafka';
  readonly to: 'embedded' | 'kafka';
  /** Comma-separated; default every ledger topic (catalogue topics and the dead-letter topic). */
  readonly topics?: string;
  readonly fromSchema?: string;
  readonly toSchema?: string;
}

export async function copyLogCommand(options: CopyLogCommandOptions): Promise<void> {
  const config = readConfig();
  if (options.from === options.to && (options.from === 'kafka' || (options.fromSchema ?? config.dbSchema) === (options.toSchema ?? config.dbSchema))) {
    throw new Error('copy-log: source and target are the same log');
  }
  // Both sides share one embedded PostgreSQL when no LEDGER_DATABASE_URL is given.
  let started: RunningPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (databaseUrl === undefined && (options.from === 'embedded' || options.to === 'embedded')) {
    started = await startEmbeddedPostgres({ dataDir: config.dataDir });
    databaseUrl = started.url;
  }
  const side = (log: 'embedded' | 'kafka', schema: string | undefined): LedgerConfig => ({ ...config, log, databaseUrl, dbSchema: schema ?? config.dbSchema });
  const opened: LedgerLog[] = [];
  let translator: SchemaIdTranslator | undefined;
  try {
    const source = await openLog(side(options.from, options.fromSchema));
    opened.push(source);
    const target = await openLog(side(options.to, options.toSchema));
    opened.push(target);

    const topics = options.topics
      ? options.topics.split(',').map((topic) => topic.trim()).filter(Boolean)
      : ledgerTopics(config, catalogue()).map((spec) => spec.topic);
    const present: string[] = [];
    for (const topic of topics) {
      const exists = await source.describeTopic(topic).then(() => true, () => false);
      if (exists) present.push(topic);
      else console.error(`copy-log: skipping '${topic}': not in the source log`);
    }

    if (source instanceof EmbeddedLog && target instanceof EmbeddedLog) {
      const schemas = await new EmbeddedSchemaRegistry(source.pool, source.schema).all();
      await new EmbeddedSchemaRegistry(target.pool, target.schema).importWithIds(schemas);
      console.error(`copy-log: ${schemas.length} schemas copied with their ids`);
    } else {
      translator = new SchemaIdTranslator(registryOf(source, config), registryOf(target, config));
    }

    const copied = await copyLog({
      source,
      target,
      topics: present,
      mapValue: translator ? translator.translate.bind(translator) : undefined,
      onProgress: ({ topic, partition, copied: count }) => process.stderr.write(`\r${topic}[${partition}]: ${count}   `),
    });
    process.stderr.write('\n');
    if (translator) console.error(`copy-log: ${translator.translated} schemas registered in the target registry; schema ids rewritten, Avro bodies copied byte for byte`);
    console.log('topic\tpartitions\trecords');
    for (const entry of copied) console.log(`${entry.topic}\t${entry.partitions}\t${entry.records}`);
  } finally {
    for (const log of opened) await log.close();
    await started?.stop();
  }
}

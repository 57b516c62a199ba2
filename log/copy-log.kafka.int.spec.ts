// copyLog across adapters: embedded → Kafka → embedded, byte for byte. Needs a real broker
// (LEDGER_TEST_KAFKA=1, see log/kafka/kafka-test-env.ts); without it the suite says it did not run.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readAll } from './contract/contract-support.ts';
import { copyLog } from './copy-log.ts';
import { EmbeddedLog } from './embedded/embedded-log.ts';
import { KafkaLog } from './kafka/kafka-log.ts';
import { kafkaTestBrokers, kafkaTestsEnabled, reportKafkaTestsDisabled } from './kafka/kafka-test-env.ts';
import { pinoSink } from './kafka/pino-sink.ts';
import type { LogRecord } from './port.ts';
import { SchemaIdTranslator } from './schema-id-translation.ts';
import { EmbeddedSchemaRegistry } from './embedded/embedded-schema-registry.ts';
import { loadCatalogue } from '../schemas/catalogue.ts';
import { EventCodec } from '../schemas/codec/event-codec.ts';
import { ConfluentSchemaRegistry } from '../schemas/registry/confluent-registry.ts';
import { allSamples } from '../schemas/fixtures/samples.ts';
import { readConfig } from '../platform/config.ts';

const databaseUrl = process.env.LEDGER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// Kafka numbers offsets its own way (transaction markers take offsets), so offsets are compared
// only between the two embedded logs.
const withoutOffset = (record: LogRecord) => ({
  partition: record.partition,
  key: record.key,
  headers: record.headers,
  timestamp: record.timestamp,
  value: record.value.toString('hex'),
});
const withOffset = (record: LogRecord) => ({ ...withoutOffset(record), offset: record.offset });

if (kafkaTestsEnabled()) {
  describe('copy log between adapters', function () {
    this.timeout(180_000);
    const sourceSchema = `copy_kafka_source_${randomBytes(4).toString('hex')}`;
    const backSchema = `copy_kafka_back_${randomBytes(4).toString('hex')}`;
    const topic = `copy.${randomBytes(5).toString('hex')}`;
    let source: EmbeddedLog;
    let back: EmbeddedLog;
    let kafka: KafkaLog;

    before(async () => {
      source = await EmbeddedLog.open({ connectionString: databaseUrl, schema: sourceSchema });
      back = await EmbeddedLog.open({ connectionString: databaseUrl, schema: backSchema });
      kafka = await KafkaLog.open({
        brokers: kafkaTestBrokers(),
        clientId: 'copy-log-spec',
        defaultPartitions: 3,
        replicationFactor: 1,
        logger: pinoSink(process.env.LEDGER_LOG_LEVEL ?? 'warn'),
        connectDeadlineMs: 30_000,
      });
    });

    after(async () => {
      await source.pool.query(`drop schema "${sourceSchema}" cascade`);
      await source.pool.query(`drop schema "${backSchema}" cascade`);
      await Promise.all([source.close(), back.close(), kafka.close()]);
    });

    describe('embedded → Kafka → embedded', () => {
      it('keeps partition, key, headers, timestamp and value bytes, and the offsets of the round trip', async () => {
        await source.createTopics([{ topic, partitions: 3 }]);
        await source.append(
          Array.from({ length: 1200 }, (_, i) => ({
            topic,
            key: i % 10 === 0 ? null : `call-${i % 53}`,
            value: randomBytes(1 + (i % 200)),
            headers: { ce_id: `evt-${i}`, ce_type: 'InteractionStarted', ce_source: 'ivr/转账' },
            timestamp: 1_700_000_000_000 + i,
          })),
        );
        const original = await readAll(source, topic);

        await copyLog({ source, target: kafka, topics: [topic], batchSize: 250 });
        const inKafka = await readAll(kafka, topic);
        expect(inKafka.map(withoutOffset), 'in Kafka').to.deep.equal(original.map(withoutOffset));

        await copyLog({ source: kafka, target: back, topics: [topic], batchSize: 250 });
        expect((await readAll(back, topic)).map(withOffset), 'back in the embedded log').to.deep.equal(original.map(withOffset));
      });

      it('moves real events between registries: ids translated, Avro bodies byte for byte, every event decodes on the other side', async () => {
        const eventsTopic = `copy.events.${randomBytes(5).toString('hex')}`;
        const catalogue = loadCatalogue();
        const sourceRegistry = new EmbeddedSchemaRegistry(source.pool, sourceSchema);
        const kafkaRegistry = new ConfluentSchemaRegistry(readConfig().registryUrl);
        const backRegistry = new EmbeddedSchemaRegistry(back.pool, backSchema);
        const writer = new EventCodec({ catalogue, registry: sourceRegistry });
        const samples = allSamples().filter((event) => catalogue.get(event.type).piiPaths.length === 0);
        await source.createTopics([{ topic: eventsTopic, partitions: 3 }]);
        await source.append(await Promise.all(samples.map(async (event) => ({ topic: eventsTopic, key: event.metadata.eventId, value: await writer.encode(event) }))));
        const original = await readAll(source, eventsTopic);

        const toKafka = new SchemaIdTranslator(sourceRegistry, kafkaRegistry);
        await copyLog({ source, target: kafka, topics: [eventsTopic], mapValue: (t, v) => toKafka.translate(t, v) });
        const inKafka = await readAll(kafka, eventsTopic);
        const kafkaReader = new EventCodec({ catalogue, registry: kafkaRegistry });
        for (const [index, record] of inKafka.entries()) {
          expect(record.value.subarray(5).equals(original[index]!.value.subarray(5)), 'Avro body unchanged').to.equal(true);
          expect((await kafkaReader.decode(record.value)).metadata.eventId).to.equal((await writer.decode(original[index]!.value)).metadata.eventId);
        }

        const toEmbedded = new SchemaIdTranslator(kafkaRegistry, backRegistry);
        await copyLog({ source: kafka, target: back, topics: [eventsTopic], mapValue: (t, v) => toEmbedded.translate(t, v) });
        const backReader = new EventCodec({ catalogue, registry: backRegistry });
        const returned = await readAll(back, eventsTopic);
        expect(returned.length).to.equal(samples.length);
        for (const [index, record] of returned.entries()) {
          expect(record.value.subarray(5).equals(original[index]!.value.subarray(5))).to.equal(true);
          const decoded = await backReader.decode(record.value);
          expect(JSON.stringify(decoded.data)).to.equal(JSON.stringify((await writer.decode(original[index]!.value)).data));
        }
      });
    });
  });
} else {
  reportKafkaTestsDisabled('log/copy-log.kafka.int.spec.ts (copy embedded → Kafka → embedded)');
}

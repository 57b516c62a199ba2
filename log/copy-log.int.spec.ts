import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readAll } from './contract/contract-support.ts';
import { copyLog } from './copy-log.ts';
import { EmbeddedLog } from './embedded/embedded-log.ts';
import type { LogRecord } from './port.ts';

const databaseUrl = process.env.LEDGER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const comparable = (record: LogRecord) => ({
  partition: record.partition,
  offset: record.offset,
  key: record.key,
  headers: record.headers,
  timestamp: record.timestamp,
  value: record.value.toString('hex'),
});

describe('copy log', () => {
  describe('from an embedded log to another (different schemas)', () => {
    const sourceSchema = `copy_source_${randomBytes(4).toString('hex')}`;
    const targetSchema = `copy_target_${randomBytes(4).toString('hex')}`;
    let source: EmbeddedLog;
    let target: EmbeddedLog;

    before(async () => {
      source = await EmbeddedLog.open({ connectionString: databaseUrl, schema: sourceSchema });
      target = await EmbeddedLog.open({ connectionString: databaseUrl, schema: targetSchema });
    });

    after(async () => {
      await source.pool.query(`drop schema "${sourceSchema}" cascade`);
      await source.pool.query(`drop schema "${targetSchema}" cascade`);
      await Promise.all([source.close(), target.close()]);
    });

    it('keeps every record byte for byte: partition, offset, key, headers, timestamp and value', async () => {
      await source.createTopics([{ topic: 'ledger.interactions', partitions: 4 }, { topic: 'ledger.control', partitions: 1 }]);
      await source.append(
        Array.from({ length: 2500 }, (_, i) => ({
          topic: 'ledger.interactions',
          key: i % 10 === 0 ? null : `call-${i % 97}`,
          value: randomBytes(1 + (i % 300)),
          headers: { ce_id: `evt-${i}`, ce_type: 'InteractionStarted' },
          timestamp: 1_700_000_000_000 + i,
        })),
      );
      await source.append([{ topic: 'ledger.control', key: 'policy', value: Buffer.from([0, 1, 2]) }]);

      const copied = await copyLog({ source, target, topics: ['ledger.interactions', 'ledger.control'], batchSize: 300 });

      expect(copied).to.deep.equal([
        { topic: 'ledger.interactions', partitions: 4, records: 2500 },
        { topic: 'ledger.control', partitions: 1, records: 1 },
      ]);
      for (const topic of ['ledger.interactions', 'ledger.control']) {
        expect((await readAll(target, topic)).map(comparable), topic).to.deep.equal((await readAll(source, topic)).map(comparable));
      }
    });
  });
});

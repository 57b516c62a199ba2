// Re-drive on the embedded log (real PostgreSQL): a dry run counts without writing; a run copies
// an offset range or a time range with keys, headers, values and timestamps intact and every key
// in its original order.
import { expect } from 'chai';
import { freshNames, openTestLedger, type TestLedger } from '../projections/testing/int-support.ts';
import type { AppendRecord, LogRecord } from '../log/port.ts';
import { redrive, RedriveError } from './redrive.ts';

describe('re-drive (embedded log)', function () {
  this.timeout(120_000);
  let ledger: TestLedger;
  let source: string;
  const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

  async function all(topic: string): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    for await (const batch of ledger.log.readRange({ topic })) out.push(...batch);
    return out;
  }
  const byKey = (records: readonly LogRecord[]) => {
    const map = new Map<string, string[]>();
    for (const r of records) map.set(r.key ?? '', [...(map.get(r.key ?? '') ?? []), r.value.toString()]);
    return map;
  };

  before(async () => {
    ledger = await openTestLedger(freshNames('embedded'), []);
    source = ledger.topic('ledger.interactions');
    // 6 keys × 20 records, one a second, interleaved: each key's values numbered in order.
    const records: AppendRecord[] = [];
    for (let i = 0; i < 120; i++) {
      const key = `call-${i % 6}`;
      records.push({ topic: source, key, value: Buffer.from(`${key}#${Math.floor(i / 6)}`), headers: { ce_id: `e${i}`, ce_type: 'Test' }, timestamp: T0 + i * 1000 });
    }
    await ledger.appendRecords(records);
  });
  after(async () => {
    await ledger?.close();
    await ledger?.drop();
  });

  describe('when asked for a dry run', () => {
    it('counts the records in the range per partition and writes nothing', async () => {
      const target = ledger.topic('redrive.dry');
      const report = await redrive({ source: ledger.log, topic: source, to: target, range: { kind: 'offsets', fromOffset: 0 }, dryRun: true });
      expect(report.records).to.equal(120);
      expect(report.copied).to.equal(0);
      expect(report.partitions.reduce((s, p) => s + p.records, 0)).to.equal(120);
      const exists = await ledger.log.describeTopic(target).then(() => true, () => false);
      expect(exists).to.equal(false);
    });
  });

  describe('when re-driving an offset range', () => {
    it('copies exactly the counted records with keys, headers, values and timestamps, each key in order', async () => {
      const target = ledger.topic('redrive.offsets');
      const dry = await redrive({ source: ledger.log, topic: source, to: target, range: { kind: 'offsets', fromOffset: 2, toOffset: 30 }, dryRun: true });
      const report = await redrive({ source: ledger.log, topic: source, to: target, range: { kind: 'offsets', fromOffset: 2, toOffset: 30 } });
      expect(report.copied).to.equal(dry.records);
      const sourceRecords = (await all(source)).filter((r) => r.offset >= 2 && r.offset < 30);
      const copied = await all(target);
      expect(copied).to.have.length(sourceRecords.length);
      expect(report.keptPartitions).to.equal(true);
      const strip = (r: LogRecord) => ({ partition: r.partition, key: r.key, value: r.value.toString('hex'), headers: r.headers, timestamp: r.timestamp });
      expect(copied.map(strip).sort((a, b) => (a.value < b.value ? -1 : 1))).to.deep.equal(sourceRecords.map(strip).sort((a, b) => (a.value < b.value ? -1 : 1)));
      for (const [key, values] of byKey(copied)) expect(values, key).to.deep.equal(byKey(sourceRecords).get(key));
    });
  });

  describe('when re-driving a time range into a topic with a different partition count', () => {
    it('copies the records of that period, each key in order', async () => {
      const target = ledger.topic('redrive.time');
      await ledger.log.createTopics([{ topic: target, partitions: 1 }]);
      const report = await redrive({ source: ledger.log, topic: source, to: target, range: { kind: 'time', fromTime: T0 + 60_000, toTime: T0 + 90_000 } });
      expect(report.records).to.equal(30);
      expect(report.keptPartitions).to.equal(false);
      const copied = await all(target);
      expect(copied.map((r) => r.timestamp).every((t) => t >= T0 + 60_000 && t < T0 + 90_000)).to.equal(true);
      for (const [key, values] of byKey(copied)) {
        const n = Number(key.slice(5));
        expect(values).to.deep.equal(Array.from({ length: 5 }, (_, j) => `${key}#${10 + j}`), `key ${n}`);
      }
    });
  });

  describe('when the target is the source topic', () => {
    it('refuses', async () => {
      const error = await redrive({ source: ledger.log, topic: source, to: source, range: { kind: 'offsets', fromOffset: 0 } }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RedriveError);
    });
  });
});

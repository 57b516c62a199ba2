// The behaviour every LedgerLog adapter must have, written once and run against each adapter
// (log/embedded/embedded-log.int.spec.ts, log/kafka/kafka-log.int.spec.ts). Each test uses fresh
// topic and group names, so tests neither see nor disturb one another.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { partitionForKey } from '../embedded/murmur2.ts';
import type { LedgerLog, LogRecord, Subscription } from '../port.ts';
import { deadLetterHeaders } from '../runtime/dead-letter.ts';
import { runConsumer } from '../runtime/run-consumer.ts';
import { caughtUp, countBy, endOffsets, freshName, readAll, waitFor } from './contract-support.ts';

export interface LogContractSubject {
  /** Opens a new client of the adapter under test; the suite closes what it opens. */
  makeLog(): Promise<LedgerLog>;
  /** LEDGER_* environment that makes openLog build the same adapter, for the child-process tests. */
  childEnv(): Record<string, string>;
}

const childScript = fileURLToPath(new URL('./consumer-child.ts', import.meta.url));

const text = (value: string): Buffer => Buffer.from(value, 'utf8');

export function defineLogContract(name: string, subject: LogContractSubject): void {
  describe(name, function () {
    this.timeout(180_000);
    let log: LedgerLog;
    const extraLogs: LedgerLog[] = [];
    const subscriptions: Subscription[] = [];

    const newTopic = async (partitions: number): Promise<string> => {
      const topic = freshName('contract');
      await log.createTopics([{ topic, partitions }]);
      return topic;
    };

    const track = (subscription: Subscription): Subscription => {
      subscriptions.push(subscription);
      return subscription;
    };

    before(async () => {
      log = await subject.makeLog();
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      await Promise.all(extraLogs.splice(0).map((l) => l.close()));
    });

    after(async () => {
      await log.close();
    });

    describe('topics', () => {
      it('creates a topic with its partitions and describes empty partitions', async () => {
        const topic = await newTopic(3);
        const description = await log.describeTopic(topic);
        expect(description.topic).to.equal(topic);
        expect(description.partitions.map((p) => [p.partition, p.low, p.high])).to.deep.equal([[0, 0, 0], [1, 0, 0], [2, 0, 0]]);
      });

      it('moves the end of a partition by the records appended to it', async () => {
        const topic = await newTopic(3);
        const results = await log.append(Array.from({ length: 12 }, (_, i) => ({ topic, key: `k${i}`, value: text(`v${i}`) })));
        const ends = await endOffsets(log, topic);
        for (const partition of [0, 1, 2]) {
          expect(ends.get(partition), `partition ${partition}`).to.equal(results.filter((r) => r.partition === partition).length);
        }
      });

      it('creating an existing topic again changes nothing', async () => {
        const topic = await newTopic(2);
        await log.createTopics([{ topic, partitions: 2 }]);
        expect((await log.describeTopic(topic)).partitions).to.have.length(2);
      });
    });

    describe('append', () => {
      it('appends a single record and reports where it landed', async () => {
        const topic = await newTopic(1);
        const [result] = await log.append([{ topic, key: 'call-1', value: text('hello') }]);
        expect(result).to.deep.equal({ topic, partition: 0, offset: 0 });
        const [record] = await readAll(log, topic);
        expect(record.key).to.equal('call-1');
        expect(record.value.toString()).to.equal('hello');
      });

      it('appends a batch with consecutive offsets per partition, in input order', async () => {
        const topic = await newTopic(3);
        const results = await log.append(Array.from({ length: 30 }, (_, i) => ({ topic, key: `k${i % 5}`, value: text(String(i)) })));
        for (const partition of [0, 1, 2]) {
          const offsets = results.filter((r) => r.partition === partition).map((r) => r.offset);
          expect(offsets).to.deep.equal(offsets.map((_, i) => i));
        }
      });

      it("places a key on the partition Kafka's default partitioner picks (murmur2)", async () => {
        const topic = await newTopic(6);
        const keys = Array.from({ length: 40 }, (_, i) => `interaction-${i}`);
        const results = await log.append(keys.map((key) => ({ topic, key, value: text(key) })));
        expect(results.map((r) => r.partition)).to.deep.equal(keys.map((key) => partitionForKey(key, 6)));
      });

      it('spreads records without a key over the partitions', async () => {
        const topic = await newTopic(3);
        await log.append(Array.from({ length: 30 }, (_, i) => ({ topic, key: null, value: text(String(i)) })));
        const records = await readAll(log, topic);
        expect(records).to.have.length(30);
        expect(records.every((r) => r.key === null)).to.equal(true);
      });

      it('preserves headers, key, timestamp and the value bytes exactly', async () => {
        const topic = await newTopic(1);
        const value = Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x80, 0x00]);
        const headers = { ce_id: 'evt-1', ce_type: 'InteractionAnswered', ce_source: 'ivr/转账', empty: '', binaryish: 'a\u0000b' };
        await log.append([{ topic, key: '客户-7', value, headers, timestamp: 1_700_000_123_456 }]);
        const [record] = await readAll(log, topic);
        expect(record.headers).to.deep.equal(headers);
        expect(record.key).to.equal('客户-7');
        expect(record.timestamp).to.equal(1_700_000_123_456);
        expect(Buffer.compare(record.value, value)).to.equal(0);
      });

      it('keeps order per key across several appends', async () => {
        const topic = await newTopic(4);
        for (let round = 0; round < 5; round++) {
          await log.append(Array.from({ length: 40 }, (_, i) => ({ topic, key: `call-${i % 8}`, value: text(String(round * 40 + i)) })));
        }
        const records = await readAll(log, topic);
        const byKey = new Map<string, number[]>();
        for (const record of records) byKey.set(record.key ?? '', [...(byKey.get(record.key ?? '') ?? []), Number(record.value.toString())]);
        expect(byKey.size).to.equal(8);
        for (const [key, sequence] of byKey) expect(sequence, key).to.deep.equal([...sequence].sort((a, b) => a - b));
      });

      it('keeps offsets gapless under concurrent appends', async () => {
        const topic = await newTopic(2);
        await Promise.all(
          Array.from({ length: 8 }, (_, writer) =>
            log.append(Array.from({ length: 50 }, (_, i) => ({ topic, key: `k${i % 4}`, value: text(`${writer}-${i}`) }))),
          ),
        );
        const records = await readAll(log, topic);
        expect(records).to.have.length(400);
        for (const partition of [0, 1]) {
          const offsets = records.filter((r) => r.partition === partition).map((r) => r.offset);
          expect(offsets).to.deep.equal(offsets.map((_, i) => i));
        }
      });

      it('appends and delivers a large batch (20,000 records)', async () => {
        const topic = await newTopic(6);
        const count = 20_000;
        await log.append(Array.from({ length: count }, (_, i) => ({ topic, key: `call-${i % 500}`, value: text(`event-${i}`) })));
        const group = freshName('group');
        const seen = new Set<string>();
        let delivered = 0;
        track(await log.subscribe({ group, topics: [topic], handler: async (batch) => {
          delivered += batch.records.length;
          for (const record of batch.records) seen.add(record.value.toString());
        } }));
        await waitFor('all 20,000 records', () => seen.size === count);
        await waitFor('the group to catch up', () => caughtUp(log, group, topic));
        expect(delivered).to.equal(count);
      });
    });

    describe('read range', () => {
      it('reads by offset range, partition by partition', async () => {
        const topic = await newTopic(2);
        await log.append(Array.from({ length: 20 }, (_, i) => ({ topic, key: 'call-1', value: text(String(i)) })));
        const keyPartition = partitionForKey('call-1', 2);
        const records: LogRecord[] = [];
        for await (const batch of log.readRange({ topic, partitions: [keyPartition], from: { offset: 2 }, to: { offset: 7 }, batchSize: 2 })) {
          expect(batch.length).to.be.at.most(2);
          records.push(...batch);
        }
        expect(records.map((r) => r.offset)).to.deep.equal([2, 3, 4, 5, 6]);
        expect(records.map((r) => r.value.toString())).to.deep.equal(['2', '3', '4', '5', '6']);
        const otherPartition: LogRecord[] = [];
        for await (const batch of log.readRange({ topic, partitions: [1 - keyPartition] })) otherPartition.push(...batch);
        expect(otherPartition).to.deep.equal([]);
      });

      it('reads by time: from the first record at or after `from` to before the first at or after `to`', async () => {
        const topic = await newTopic(1);
        const t0 = 1_700_000_000_000;
        await log.append(Array.from({ length: 10 }, (_, i) => ({ topic, key: 'k', value: text(String(i)), timestamp: t0 + i * 1000 })));
        const records: LogRecord[] = [];
        for await (const batch of log.readRange({ topic, from: { timestamp: t0 + 2500 }, to: { timestamp: t0 + 7000 } })) records.push(...batch);
        expect(records.map((r) => r.value.toString())).to.deep.equal(['3', '4', '5', '6']);
      });

      it('ends when the reader stops early, with a read-ahead in flight and more records fetched', async () => {
        const topic = await newTopic(1);
        await log.append(Array.from({ length: 60 }, (_, i) => ({ topic, key: 'k', value: text(String(i)) })));
        const batches = log.readRange({ topic, batchSize: 5 })[Symbol.asyncIterator]();
        const first = await batches.next();
        const readAhead = batches.next(); // as a rebuild does while it writes the batch before
        await readAhead;
        await batches.return?.(); // an interrupted rebuild: must not wait for the rest of the range
        expect(first.value?.map((r: LogRecord) => r.value.toString())).to.deep.equal(['0', '1', '2', '3', '4']);
        const again: string[] = [];
        for await (const batch of log.readRange({ topic, batchSize: 50 })) again.push(...batch.map((r) => r.value.toString()));
        expect(again).to.have.length(60);
      });

      it('stops at the end of each partition as it was when the read started', async () => {
        const topic = await newTopic(1);
        await log.append([{ topic, key: 'k', value: text('a') }, { topic, key: 'k', value: text('b') }]);
        const seen: string[] = [];
        for await (const batch of log.readRange({ topic, batchSize: 1 })) {
          seen.push(...batch.map((r) => r.value.toString()));
          if (seen.length === 1) await log.append([{ topic, key: 'k', value: text('late') }]);
        }
        expect(seen).to.deep.equal(['a', 'b']);
      });
    });

    describe('consumer groups', () => {
      it('delivers each key in order to a subscriber', async () => {
        const topic = await newTopic(3);
        await log.append(Array.from({ length: 300 }, (_, i) => ({ topic, key: `call-${i % 7}`, value: text(String(i)) })));
        const byKey = new Map<string, number[]>();
        let total = 0;
        track(await log.subscribe({ group: freshName('group'), topics: [topic], maxBatchSize: 17, handler: async (batch) => {
          for (const record of batch.records) {
            byKey.set(record.key ?? '', [...(byKey.get(record.key ?? '') ?? []), Number(record.value.toString())]);
          }
          total += batch.records.length;
        } }));
        await waitFor('300 records', () => total >= 300);
        for (const [key, sequence] of byKey) expect(sequence, key).to.deep.equal([...sequence].sort((a, b) => a - b));
      });

      it('resumes from its checkpoints after a stop', async () => {
        const topic = await newTopic(2);
        const group = freshName('group');
        await log.append(Array.from({ length: 50 }, (_, i) => ({ topic, key: `k${i % 5}`, value: text(`first-${i}`) })));
        const firstRun: string[] = [];
        const first = await log.subscribe({ group, topics: [topic], handler: async (batch) => void firstRun.push(...batch.records.map((r) => r.value.toString())) });
        await waitFor('the first 50 records', () => firstRun.length >= 50);
        await first.stop();
        expect(Object.fromEntries(await log.groupOffsets(group, topic))).to.deep.equal(Object.fromEntries(await endOffsets(log, topic)));

        await log.append(Array.from({ length: 30 }, (_, i) => ({ topic, key: `k${i % 5}`, value: text(`second-${i}`) })));
        const secondRun: string[] = [];
        track(await log.subscribe({ group, topics: [topic], handler: async (batch) => void secondRun.push(...batch.records.map((r) => r.value.toString())) }));
        await waitFor('the next 30 records', () => secondRun.length >= 30);
        await waitFor('the group to catch up', () => caughtUp(log, group, topic));
        expect(firstRun).to.have.length(50);
        expect(secondRun.sort()).to.deep.equal(Array.from({ length: 30 }, (_, i) => `second-${i}`).sort());
      });

      it("starts a new group at the end with startFrom 'latest'", async () => {
        const topic = await newTopic(1);
        await log.append([{ topic, key: 'k', value: text('old') }]);
        const seen: string[] = [];
        const group = freshName('group');
        track(await log.subscribe({ group, topics: [topic], startFrom: 'latest', handler: async (batch) => void seen.push(...batch.records.map((r) => r.value.toString())) }));
        // Joining may take a while (a Kafka rebalance): keep appending until a new record arrives.
        await waitFor('a record appended after joining', async () => {
          if (seen.includes('new')) return true;
          await log.append([{ topic, key: 'k', value: text('new') }]);
          await new Promise((resolve) => setTimeout(resolve, 300));
          return false;
        });
        expect(seen).to.not.include('old');
      });

      it('shares partitions between two consumers of one group, which together see everything once', async () => {
        const topic = await newTopic(6);
        const group = freshName('group');
        const other = await subject.makeLog();
        extraLogs.push(other);
        const seenBy: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
        const partitionsOf: [Set<number>, Set<number>] = [new Set(), new Set()];
        const consumer = (index: 0 | 1) => async (batch: { partition: number; records: readonly LogRecord[] }) => {
          partitionsOf[index].add(batch.partition);
          for (const record of batch.records) seenBy[index].set(record.value.toString(), (seenBy[index].get(record.value.toString()) ?? 0) + 1);
        };
        track(await log.subscribe({ group, topics: [topic], maxBatchSize: 20, handler: consumer(0) }));
        track(await other.subscribe({ group, topics: [topic], maxBatchSize: 20, handler: consumer(1) }));
        let appended = 0;
        const appendRound = async (): Promise<void> => {
          await log.append(Array.from({ length: 60 }, (_, i) => ({ topic, key: `call-${appended + i}`, value: text(`e-${appended + i}`) })));
          appended += 60;
        };
        // Keep traffic flowing until the group has settled with both members consuming.
        await waitFor('both consumers to receive records', async () => {
          if (seenBy[0].size > 0 && seenBy[1].size > 0) return true;
          await appendRound();
          await new Promise((resolve) => setTimeout(resolve, 200));
          return false;
        });
        await appendRound();
        await waitFor('every record', () => new Set([...seenBy[0].keys(), ...seenBy[1].keys()]).size === appended);
        const all = [...seenBy[0], ...seenBy[1]];
        const total = all.reduce((sum, [, n]) => sum + n, 0);
        expect(total, 'deliveries').to.equal(appended);
        expect(partitionsOf[0].size).to.be.greaterThan(0);
        expect(partitionsOf[1].size).to.be.greaterThan(0);
      });

      for (const outputDelivery of ['atomic', 'at-least-once'] as const) {
        const title = outputDelivery === 'atomic'
          ? 'writes staged records atomically with the checkpoint (read-process-write)'
          : "with outputDelivery 'at-least-once', writes every staged record, readable at once, and checkpoints after";
        it(title, async () => {
          const input = await newTopic(2);
          const output = await newTopic(2);
          const group = freshName('group');
          await log.append(Array.from({ length: 40 }, (_, i) => ({ topic: input, key: `k${i % 4}`, value: text(`in-${i}`) })));
          track(await log.subscribe({ group, topics: [input], maxBatchSize: 7, outputDelivery, handler: async (batch, context) => {
            context.append(batch.records.map((r) => ({ topic: output, key: r.key, value: text(r.value.toString().replace('in', 'out')) })));
          } }));
          await waitFor('the group to catch up', () => caughtUp(log, group, input));
          const written = (await readAll(log, output)).map((r) => r.value.toString()).sort();
          expect(written).to.deep.equal(Array.from({ length: 40 }, (_, i) => `out-${i}`).sort());
        });
      }

      /**
       * A consumer process (consumer-child.ts) copying `count` records is killed (SIGKILL) in the
       * middle of a batch, `afterKill` looks at the log, and a second process finishes the job.
       */
      async function killMidBatchAndRestart(
        count: number, outputDelivery: 'atomic' | 'at-least-once', afterKill?: (first: RunningChild, output: string) => Promise<void>,
      ): Promise<{ written: LogRecord[] }> {
        const input = await newTopic(3);
        const output = await newTopic(3);
        const group = freshName('group');
        await log.append(Array.from({ length: count }, (_, i) => ({ topic: input, key: `call-${i % 37}`, value: text(`event-${i}`) })));
        const env = { LEDGER_CHILD_GROUP: group, LEDGER_CHILD_INPUT: input, LEDGER_CHILD_OUTPUT: output, LEDGER_CHILD_SESSION_TIMEOUT_MS: '3000', LEDGER_CHILD_OUTPUT_DELIVERY: outputDelivery };
        const first = startChild({ ...subject.childEnv(), ...env, LEDGER_CHILD_BATCH_DELAY_MS: '200' });
        await first.waitForLines((line) => line.startsWith('staged'), 4);
        first.process.kill('SIGKILL');
        await first.exited;
        await afterKill?.(first, output);
        const second = startChild({ ...subject.childEnv(), ...env, LEDGER_CHILD_BATCH_DELAY_MS: '0' });
        try {
          await waitFor('the restarted consumer to catch up', () => caughtUp(log, group, input));
        } finally {
          second.process.kill('SIGTERM');
          await second.exited;
        }
        return { written: await readAll(log, output) };
      }

      it("with outputDelivery 'at-least-once', loses nothing and repeats only in input order when a consumer process is killed and restarted", async () => {
        const count = 1500;
        const { written } = await killMidBatchAndRestart(count, 'at-least-once');
        expect(new Set(written.map((r) => r.value.toString())).size, 'inputs with output').to.equal(count);
        // Per key, outputs follow the input order and a repeat starts again at an earlier input,
        // so dropping every output at or below the highest input seen keeps each input exactly
        // once: what lets consumers drop repeats by position (streams/runtime/source-position.ts).
        for (const key of ['call-0', 'call-1', 'call-36']) {
          const offsets = written.filter((r) => r.key === key).map((r) => Number(r.headers.source_offset));
          const kept = offsets.filter((offset, i) => offsets.slice(0, i).every((before) => before < offset));
          expect(kept, `${key}: outputs kept by position`).to.deep.equal([...new Set(offsets)].sort((a, b) => a - b));
        }
      });

      it('seeds the checkpoints of a new group, which then starts there, and leaves existing checkpoints alone', async () => {
        const topic = await newTopic(2);
        await log.append(Array.from({ length: 20 }, (_, i) => ({ topic, key: null, value: text(`r-${i}`), partition: i % 2 })));
        const group = freshName('group');
        expect(await log.seedGroupOffsets(group, topic, new Map([[0, 7], [1, 9]]))).to.deep.equal([0, 1]);
        expect(await log.seedGroupOffsets(group, topic, new Map([[0, 2], [1, 2]])), 'a second seed').to.deep.equal([]);
        expect([...(await log.groupOffsets(group, topic))].sort(([a], [b]) => a - b)).to.deep.equal([[0, 7], [1, 9]]);
        const seen: string[] = [];
        track(await log.subscribe({ group, topics: [topic], handler: async (batch) => void seen.push(...batch.records.map((r) => `${r.partition}:${r.offset}`)) }));
        await waitFor('the rest of both partitions', () => seen.length >= 4);
        expect(seen.sort()).to.deep.equal(['0:7', '0:8', '0:9', '1:9']);
      });

      it('redelivers a batch whose handler failed, to the next subscriber', async () => {
        const topic = await newTopic(1);
        const group = freshName('group');
        await log.append([{ topic, key: 'k', value: text('a') }, { topic, key: 'k', value: text('b') }]);
        const failing = await log.subscribe({ group, topics: [topic], handler: async () => { throw new Error('transient'); } });
        let failure: unknown;
        await failing.done.catch((error: unknown) => (failure = error));
        expect(String(failure)).to.match(/transient/);
        const seen: string[] = [];
        track(await log.subscribe({ group, topics: [topic], handler: async (batch) => void seen.push(...batch.records.map((r) => r.value.toString())) }));
        await waitFor('the redelivered records', () => seen.length >= 2);
        expect(seen).to.deep.equal(['a', 'b']);
      });

      it('loses nothing and duplicates no effect when a consumer process is killed mid-batch and restarted', async () => {
        const count = 1500;
        const { written } = await killMidBatchAndRestart(count, 'atomic', async (first, output) => {
          // The batch in flight at the kill (the last one staged) left no output behind.
          const [, partition, firstOffset, size] = first.lines.filter((line) => line.startsWith('staged')).at(-1)?.split(' ') ?? [];
          const inFlight = new Set(Array.from({ length: Number(size) }, (_, i) => `${partition}:${Number(firstOffset) + i}`));
          const afterKill = await readAll(log, output);
          expect(afterKill.length, 'output of committed batches only').to.be.lessThan(count);
          expect(afterKill.filter((r) => inFlight.has(`${r.headers.source_partition}:${r.headers.source_offset}`)), 'output of the killed batch').to.deep.equal([]);
        });
        const counts = countBy(written, (r) => r.value.toString());
        const duplicates = [...counts].filter(([, n]) => n > 1);
        expect(duplicates, 'duplicated outputs').to.deep.equal([]);
        expect(counts.size).to.equal(count);
        const inputOrder = written.filter((r) => r.key === 'call-0').map((r) => Number(r.headers.source_offset));
        expect(inputOrder).to.deep.equal([...inputOrder].sort((a, b) => a - b));
      });
    });

    describe('dead letters', () => {
      it('sends undecodable records to the dead-letter topic with the reason and original bytes, and goes on', async () => {
        const topic = await newTopic(1);
        const deadLetterTopic = await newTopic(1);
        const group = freshName('group');
        const poison = Buffer.from([0xc3, 0x28, 0x00, 0xff]);
        await log.append([
          { topic, key: 'k', value: text('{"n":1}') },
          { topic, key: 'k', value: poison, headers: { ce_id: 'bad-1' } },
          { topic, key: 'k', value: text('{"n":3}') },
        ]);
        const handled: number[] = [];
        track(await runConsumer({
          log,
          group,
          topics: [topic],
          deadLetterTopic,
          decode: async (value) => JSON.parse(value.toString('utf8')) as { n: number },
          handle: async (message) => void handled.push(message.n),
        }));
        await waitFor('the group to catch up', () => caughtUp(log, group, topic));
        expect(handled).to.deep.equal([1, 3]);
        const [dead, ...more] = await readAll(log, deadLetterTopic);
        expect(more).to.deep.equal([]);
        expect(Buffer.compare(dead.value, poison)).to.equal(0);
        expect(dead.key).to.equal('k');
        expect(dead.headers.ce_id).to.equal('bad-1');
        expect(dead.headers[deadLetterHeaders.reason]).to.match(/SyntaxError/);
        expect(dead.headers[deadLetterHeaders.topic]).to.equal(topic);
        expect(dead.headers[deadLetterHeaders.partition]).to.equal('0');
        expect(dead.headers[deadLetterHeaders.offset]).to.equal('1');
      });
    });
  });
}

interface RunningChild {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  readonly lines: readonly string[];
  waitForLines(match: (line: string) => boolean, count: number): Promise<void>;
}

function startChild(env: Record<string, string>): RunningChild {
  const child = spawn(process.execPath, [childScript], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of [...listeners]) listener();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    exited,
    lines,
    waitForLines(match, count) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (lines.filter(match).length >= count) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        void exited.then(() => reject(new Error(`consumer child exited early; its output:\n${lines.join('\n')}`)));
        check();
      });
    },
  };
}

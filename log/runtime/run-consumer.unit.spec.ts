import { expect } from 'chai';
import type { AppendRecord, LedgerLog, LogRecord, SubscribeOptions } from '../port.ts';
import { deadLetterHeaders } from './dead-letter.ts';
import { LedgerError, PoisonRecordError } from './errors.ts';
import { runConsumer } from './run-consumer.ts';

/** Delivers one batch to the handler and reports what it staged; only `subscribe` is used. */
function oneBatchLog(records: LogRecord[]): { log: LedgerLog; delivered: Promise<AppendRecord[]> } {
  let deliver: (value: Promise<AppendRecord[]>) => void = () => undefined;
  const delivered = new Promise<AppendRecord[]>((resolve) => (deliver = resolve));
  const unused = (): never => {
    throw new Error('not used by runConsumer');
  };
  const log: LedgerLog = {
    append: unused,
    readRange: unused,
    createTopics: unused,
    describeTopic: unused,
    groupOffsets: unused,
    seedGroupOffsets: unused,
    close: unused,
    async subscribe(options: SubscribeOptions) {
      const staged: AppendRecord[] = [];
      const run = options.handler({ topic: 'in', partition: 0, records }, { append: (more) => void staged.push(...more) }).then(() => staged);
      deliver(run);
      return { stop: async () => undefined, done: run.then(() => undefined) };
    },
  };
  return { log, delivered };
}

const record = (offset: number, text: string): LogRecord => ({
  topic: 'in',
  partition: 0,
  offset,
  key: `k${offset}`,
  value: Buffer.from(text),
  headers: { ce_id: `id-${offset}` },
  timestamp: 1_700_000_000_000 + offset,
});

const decodeJson = async (value: Buffer): Promise<{ n: number }> => JSON.parse(value.toString()) as { n: number };

describe('consumer runtime', () => {
  describe('when a record cannot be decoded', () => {
    it('stages it on the dead-letter topic with the reason and original bytes, and goes on', async () => {
      const { log, delivered } = oneBatchLog([record(0, '{"n":1}'), record(1, 'not json'), record(2, '{"n":3}')]);
      const handled: number[] = [];
      await runConsumer({
        log,
        group: 'g',
        topics: ['in'],
        decode: decodeJson,
        handle: async (message, _record, context) => {
          handled.push(message.n);
          context.append([{ topic: 'out', key: null, value: Buffer.from(String(message.n)) }]);
        },
      });
      const staged = await delivered;
      expect(handled).to.deep.equal([1, 3]);
      const dead = staged.filter((r) => r.topic === 'ledger.deadletter');
      expect(dead).to.have.length(1);
      expect(dead[0].value.toString()).to.equal('not json');
      expect(dead[0].key).to.equal('k1');
      expect(dead[0].headers?.[deadLetterHeaders.reason]).to.match(/SyntaxError/);
      expect(dead[0].headers?.[deadLetterHeaders.offset]).to.equal('1');
      expect(dead[0].headers?.[deadLetterHeaders.topic]).to.equal('in');
      expect(dead[0].headers?.ce_id).to.equal('id-1');
      expect(staged.filter((r) => r.topic === 'out').map((r) => r.value.toString())).to.deep.equal(['1', '3']);
    });
  });

  describe('when the handler fails with a poison error', () => {
    it('dead-letters the record and drops the output it staged', async () => {
      const { log, delivered } = oneBatchLog([record(0, '{"n":1}'), record(1, '{"n":2}')]);
      await runConsumer({
        log,
        group: 'g',
        topics: ['in'],
        deadLetterTopic: 'my.dlq',
        decode: decodeJson,
        handle: async (message, _record, context) => {
          context.append([{ topic: 'out', key: null, value: Buffer.from(String(message.n)) }]);
          if (message.n === 2) throw new PoisonRecordError('amount is negative');
        },
      });
      const staged = await delivered;
      expect(staged.map((r) => `${r.topic}:${r.value.toString()}`)).to.deep.equal(['out:1', 'my.dlq:{"n":2}']);
      expect(staged[1].headers?.[deadLetterHeaders.reason]).to.equal('PoisonRecordError: amount is negative');
      expect(staged[1].headers?.[deadLetterHeaders.stage]).to.equal('handle');
    });
  });

  describe('when the handler fails with a retriable error', () => {
    it('rethrows so the batch is not checkpointed', async () => {
      const { log, delivered } = oneBatchLog([record(0, '{"n":1}')]);
      await runConsumer({
        log,
        group: 'g',
        topics: ['in'],
        decode: decodeJson,
        handle: async () => {
          throw new LedgerError('database busy', { retriable: true });
        },
      });
      let failure: unknown;
      await delivered.catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(LedgerError);
    });

    it('treats an error that does not say as retriable', async () => {
      const { log, delivered } = oneBatchLog([record(0, '{"n":1}')]);
      await runConsumer({ log, group: 'g', topics: ['in'], decode: decodeJson, handle: async () => { throw new Error('boom'); } });
      let failure: unknown;
      await delivered.catch((error: unknown) => (failure = error));
      expect(String(failure)).to.match(/boom/);
    });
  });

  describe('when the decoder reports a transient failure', () => {
    it('rethrows instead of dead-lettering', async () => {
      const { log, delivered } = oneBatchLog([record(0, 'x')]);
      await runConsumer({
        log,
        group: 'g',
        topics: ['in'],
        decode: async () => { throw new LedgerError('registry unreachable', { retriable: true }); },
        handle: async () => undefined,
      });
      let failure: unknown;
      await delivered.catch((error: unknown) => (failure = error));
      expect(String(failure)).to.match(/registry unreachable/);
    });
  });
});

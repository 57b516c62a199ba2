import { expect } from 'chai';
import type { AppendRecord, AppendResult, LedgerLog } from '../../log/port.ts';
import { InMemoryAcceptedIds } from './accepted-ids.ts';
import { IngestService, type PendingEvent } from './ingest-service.ts';

function fakeLog() {
  const appends: (readonly AppendRecord[])[] = [];
  let offset = 0;
  const log = {
    async append(records: readonly AppendRecord[]): Promise<AppendResult[]> {
      appends.push(records);
      return records.map((r) => ({ topic: r.topic, partition: 0, offset: offset++ }));
    },
  } as unknown as LedgerLog;
  return { log, appends };
}

const pending = (eventId: string): PendingEvent => ({ eventId, type: 'IvrNodeEntered', source: 'ivr', record: { topic: 't', key: 'k', value: Buffer.from(eventId) } });

describe('ingest service', () => {
  describe('when many requests arrive at once', () => {
    it('appends them in few groups and answers each with its own position', async () => {
      const { log, appends } = fakeLog();
      const ingest = new IngestService({ log, acceptedIds: new InMemoryAcceptedIds(), concurrency: 1 });
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => ingest.submit([pending(`e${i}`)])));
      expect(outcomes.map(([o]) => o.status)).to.deep.equal(Array(20).fill('accepted'));
      expect(new Set(outcomes.map(([o]) => (o.status === 'accepted' ? o.position.offset : -1))).size).to.equal(20);
      expect(appends.length).to.be.lessThan(20);
    });
  });
  describe('when several groups are in flight', () => {
    it('claims them side by side but appends one group at a time', async () => {
      let appending = 0;
      let most = 0;
      let offset = 0;
      const log = {
        async append(records: readonly AppendRecord[]): Promise<AppendResult[]> {
          most = Math.max(most, ++appending);
          await new Promise((resolve) => setTimeout(resolve, 5));
          appending -= 1;
          return records.map((r) => ({ topic: r.topic, partition: 0, offset: offset++ }));
        },
      } as unknown as LedgerLog;
      const ingest = new IngestService({ log, acceptedIds: new InMemoryAcceptedIds(), concurrency: 3, maxGroupEvents: 1 });
      const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => ingest.submit([pending(`g${i}`)])));
      expect(outcomes.map(([o]) => (o.status === 'accepted' ? o.position.offset : -1))).to.deep.equal([0, 1, 2, 3, 4, 5]);
      expect(most).to.equal(1);
    });
  });
  describe('when an event id comes again', () => {
    it('does not append it twice: in the same group, or after it was confirmed', async () => {
      const { log, appends } = fakeLog();
      const ids = new InMemoryAcceptedIds();
      const ingest = new IngestService({ log, acceptedIds: ids });
      const [first, again] = await ingest.submit([pending('a'), pending('a')]);
      expect([first.status, again.status]).to.deep.equal(['accepted', 'duplicate']);
      await ingest.drain();
      const [retry] = await ingest.submit([pending('a')]);
      expect(retry).to.deep.equal({ ...first, status: 'duplicate' });
      expect(appends.flat()).to.have.length(1);
    });
    it('says in-progress while another request has claimed it but not confirmed', async () => {
      const { log } = fakeLog();
      const ids = new InMemoryAcceptedIds();
      await ids.claim(['b']);
      const [outcome] = await new IngestService({ log, acceptedIds: ids }).submit([pending('b')]);
      expect(outcome).to.deep.equal({ eventId: 'b', status: 'in-progress' });
    });
  });
  describe('when the append fails', () => {
    it('rejects the requests and releases the claims so a retry can append', async () => {
      const ids = new InMemoryAcceptedIds();
      const failing = { append: async () => Promise.reject(new Error('log down')) } as unknown as LedgerLog;
      let error: unknown;
      await new IngestService({ log: failing, acceptedIds: ids }).submit([pending('c')]).catch((e: unknown) => (error = e));
      expect((error as Error).message).to.equal('log down');
      expect(ids.rows.has('c')).to.equal(false);
    });
  });
});

import { expect } from 'chai';
import { ChangeSet, ChangeSetError } from './change-set.ts';
import { foldEvent, RECENT_EVENT_IDS, type EntityDocument } from './fold.ts';
import type { ReadModelLogic, TableSpec } from './read-model.ts';
import { CallScript } from '../testing/builders.ts';

const tables: TableSpec[] = [
  { name: 'calls', kind: 'state', key: ['id'] },
  { name: 'per_queue', kind: 'counter', key: ['queue', 'day'] },
];

// A read model counting events per interaction and queue entries per queue.
const counting: ReadModelLogic<{ n: number }> = {
  eventTypes: new Set(['QueueEntered', 'InteractionAnswered']),
  keyOf: (event) => event.metadata.interactionId,
  initialState: () => ({ n: 0 }),
  evolve(state, event) {
    const n = state.n + 1;
    const changes = [{ op: 'put' as const, table: 'calls', row: { id: event.metadata.interactionId ?? '', n } }];
    if (event.type === 'QueueEntered') return { state: { n }, changes: [...changes, { op: 'add' as const, table: 'per_queue', key: { queue: event.data.queueId, day: '2026-11-26' }, values: { entered: 1 } }] };
    return { state: { n }, changes };
  },
};

describe('projection runtime › fold and change set', () => {
  describe('when an event id was already applied to its entity', () => {
    it('drops it as a duplicate and changes nothing', () => {
      const call = new CallScript('ix-1').queued(1000, 'cards').answered(2000, 'ag-1');
      const documents = new Map<string, EntityDocument<{ n: number }>>();
      const changes = new ChangeSet(tables);
      const outcome = { applied: 0, duplicates: 0, ignored: 0 };
      for (const event of [...call.events, call.events[0], call.events[1]]) foldEvent(counting, documents, new Set(), changes, event, outcome);
      expect(outcome).to.deep.equal({ applied: 2, duplicates: 2, ignored: 0 });
      expect(documents.get('ix-1')?.state).to.deep.equal({ n: 2 });
    });

    it('remembers the last RECENT_EVENT_IDS ids of an entity', () => {
      const call = new CallScript('ix-2');
      for (let i = 0; i <= RECENT_EVENT_IDS; i += 1) call.queued(i, 'q');
      const documents = new Map<string, EntityDocument<{ n: number }>>();
      const outcome = { applied: 0, duplicates: 0, ignored: 0 };
      for (const event of call.events) foldEvent(counting, documents, new Set(), new ChangeSet(tables), event, outcome);
      const ids = documents.get('ix-2')?.recentIds ?? [];
      expect(ids).to.have.length(RECENT_EVENT_IDS);
      expect(ids.at(-1)).to.equal(call.events.at(-1)?.metadata.eventId);
      expect(ids).not.to.include(call.events[0].metadata.eventId);
    });
  });

  describe('when a batch changes the same rows several times', () => {
    it('keeps the last put or remove per key and sums the increments', () => {
      const changes = new ChangeSet(tables);
      changes.apply({ op: 'put', table: 'calls', row: { id: 'a', n: 1 } });
      changes.apply({ op: 'put', table: 'calls', row: { id: 'a', n: 2 } });
      changes.apply({ op: 'put', table: 'calls', row: { id: 'b', n: 1 } });
      changes.apply({ op: 'remove', table: 'calls', key: { id: 'b' } });
      changes.apply({ op: 'add', table: 'per_queue', key: { queue: 'q', day: 'd' }, values: { entered: 1, waited: 5 } });
      changes.apply({ op: 'add', table: 'per_queue', key: { queue: 'q', day: 'd' }, values: { entered: 2 } });
      const [calls, perQueue] = [...changes.tables()];
      expect([...calls.state.values()]).to.deep.equal([{ kind: 'put', row: { id: 'a', n: 2 } }, { kind: 'remove', key: { id: 'b' } }]);
      expect([...perQueue.counters.values()]).to.deep.equal([{ queue: 'q', day: 'd', entered: 3, waited: 5 }]);
      expect(changes.count).to.equal(6);
    });

    it('refuses an increment of a state table, and an unknown table', () => {
      const changes = new ChangeSet(tables);
      expect(() => changes.apply({ op: 'add', table: 'calls', key: { id: 'a' }, values: { n: 1 } })).to.throw(ChangeSetError);
      expect(() => changes.apply({ op: 'put', table: 'nope', row: { id: 'a' } })).to.throw(ChangeSetError);
    });
  });
});

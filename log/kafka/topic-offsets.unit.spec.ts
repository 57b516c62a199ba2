import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { topicOffsets } from './topic-offsets.ts';

const failingWith = (error: Error) => ({ fetchTopicOffsets: async () => { throw error; } }) as unknown as Admin;
const settling = new TypeError("Cannot destructure property 'partitions' of 'high.pop(...)' as it is undefined.");

describe('topic offsets from the Kafka admin client', () => {
  it('asks again while kafkajs gives its empty answer (metadata settling, kafkajs #461)', async () => {
    const offsets = [{ partition: 0, offset: '7', high: '7', low: '0' }];
    let calls = 0;
    const admin = { fetchTopicOffsets: async () => { calls += 1; if (calls < 3) throw settling; return offsets; } } as unknown as Admin;
    expect(await topicOffsets(admin, 'ledger.x', 1)).to.deep.equal(offsets);
    expect(calls).to.equal(3);
  });

  it('reports an empty answer that persists as retriable', async () => {
    const error = await topicOffsets(failingWith(settling), 'ledger.x', 1).catch((e: Error) => e);
    expect((error as { retriable?: boolean }).retriable).to.equal(true);
    expect((error as Error).message).to.match(/no offsets of 'ledger.x' yet/);
  });

  it('passes any other failure on unchanged', async () => {
    const other = new TypeError('something else');
    expect(await topicOffsets(failingWith(other), 'ledger.x').catch((e: Error) => e)).to.equal(other);
  });
});

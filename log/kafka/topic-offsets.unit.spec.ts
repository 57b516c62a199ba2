import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { topicOffsets } from './topic-offsets.ts';

const failingWith = (error: Error) => ({ fetchTopicOffsets: async () => { throw error; } }) as unknown as Admin;

describe('topic offsets from the Kafka admin client', () => {
  it('makes kafkajs’ empty answer while metadata settles retriable (kafkajs #461)', async () => {
    const error = await topicOffsets(failingWith(new TypeError("Cannot destructure property 'partitions' of 'high.pop(...)' as it is undefined.")), 'ledger.x').catch((e: Error) => e);
    expect((error as { retriable?: boolean }).retriable).to.equal(true);
    expect((error as Error).message).to.match(/no offsets of 'ledger.x' yet/);
  });

  it('passes any other failure on unchanged', async () => {
    const other = new TypeError('something else');
    expect(await topicOffsets(failingWith(other), 'ledger.x').catch((e: Error) => e)).to.equal(other);
  });
});

import { expect } from 'chai';
import { fetchBytesPerPartition } from './kafka-subscription.ts';

describe('Kafka fetch size per partition', () => {
  it('holds a whole batch of the subscription, between kafkajs’ default 1 MB and 32 MB', () => {
    expect(fetchBytesPerPartition(50)).to.equal(1024 * 1024); // routing, risk: the default
    expect(fetchBytesPerPartition(20_000)).to.equal(20_000 * 512); // projections
    expect(fetchBytesPerPartition(1_000_000)).to.equal(32 * 1024 * 1024);
  });
});

import { expect } from 'chai';
import { transactionalId } from './transactional-outputs.ts';

describe('kafka transactional ids', () => {
  it('name the consumed partition, so its next owner fences the previous one', () => {
    expect(transactionalId('call-ledger', 'risk', 'interactions', 3)).to.equal('call-ledger.risk.interactions.3');
  });

  it('differ between partitions and between groups', () => {
    const ids = new Set([
      transactionalId('c', 'g', 't', 0), transactionalId('c', 'g', 't', 1), transactionalId('c', 'h', 't', 0),
    ]);
    expect(ids.size).to.equal(3);
  });
});

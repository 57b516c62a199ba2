import { expect } from 'chai';
import { appendResults } from './offsets.ts';

describe('kafka appendResults', () => {
  describe('when records of two partitions interleave', () => {
    it('gives each record its partition base offset plus its index within that partition', () => {
      const placements = [
        { topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 't', partition: 0 }, { topic: 'u', partition: 0 },
      ];
      const metadata = [
        { topicName: 't', partition: 0, errorCode: 0, baseOffset: '10' },
        { topicName: 't', partition: 1, errorCode: 0, baseOffset: '3' },
        { topicName: 'u', partition: 0, errorCode: 0, baseOffset: '0' },
      ];
      expect(appendResults(placements, metadata)).to.deep.equal([
        { topic: 't', partition: 0, offset: 10 },
        { topic: 't', partition: 1, offset: 3 },
        { topic: 't', partition: 0, offset: 11 },
        { topic: 'u', partition: 0, offset: 0 },
      ]);
    });
  });

  describe('when the broker did not acknowledge a partition', () => {
    it('refuses to invent an offset', () => {
      expect(() => appendResults([{ topic: 't', partition: 2 }], [])).to.throw(/did not acknowledge t\/2/);
    });
  });
});

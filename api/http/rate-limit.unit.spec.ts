import { expect } from 'chai';
import { TokenBuckets } from './rate-limit.ts';

describe('token buckets', () => {
  describe('when a source sends more than its burst', () => {
    it('refuses with the seconds until enough tokens are back, and keeps other sources apart', () => {
      let now = 0;
      const buckets = new TokenBuckets({ capacity: 10, ratePerSecond: 5, now: () => now });
      expect(buckets.take('ivr', 10).allowed).to.equal(true);
      expect(buckets.take('ivr', 3)).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
      expect(buckets.take('telephony', 10).allowed).to.equal(true);
      now = 1000;
      expect(buckets.take('ivr', 5).allowed).to.equal(true);
      expect(buckets.take('ivr', 10)).to.deep.equal({ allowed: false, retryAfterSeconds: 2 });
    });
  });
  describe('when one request is bigger than the bucket', () => {
    it('is refused, never allowed', () => {
      const buckets = new TokenBuckets({ capacity: 10, ratePerSecond: 5, now: () => 0 });
      expect(buckets.take('ivr', 11).allowed).to.equal(false);
    });
  });
});

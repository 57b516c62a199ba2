import { expect } from 'chai';
import { parseDuration, parseStart } from './durations.ts';

describe('command-line durations and start times', () => {
  it('reads a number with a unit', () => {
    expect(parseDuration('90s', '--duration')).to.equal(90_000);
    expect(parseDuration('1.5h', '--duration')).to.equal(5_400_000);
    expect(parseDuration('250ms', '--hold')).to.equal(250);
    expect(parseDuration('1d', '--duration')).to.equal(86_400_000);
  });

  it('names the option and the rule of a duration without a unit', () => {
    expect(() => parseDuration('90', '--duration')).to.throw("--duration: must be a number with a unit (ms, s, m, h, d), e.g. 90s, 30m, 2h; got '90'");
  });

  it('reads an ISO start time with its zone, and refuses one without', () => {
    expect(parseStart('2026-11-23T08:00:00+08:00', '--start')).to.equal(Date.UTC(2026, 10, 23, 0, 0));
    expect(() => parseStart('08:00', '--start')).to.throw('--start: must be an ISO timestamp');
  });
});

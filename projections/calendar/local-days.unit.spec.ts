import { expect } from 'chai';
import { LocalDays } from './local-days.ts';

describe('local days', () => {
  it('give the local date and the instants of its two midnights', () => {
    const shanghai = new LocalDays('Asia/Shanghai');
    expect(shanghai.of(Date.UTC(2026, 10, 26, 15, 59, 59))).to.deep.equal({ day: '2026-11-26', start: Date.UTC(2026, 10, 25, 16), end: Date.UTC(2026, 10, 26, 16) });
    expect(shanghai.of(Date.UTC(2026, 10, 26, 16))).to.deep.equal({ day: '2026-11-27', start: Date.UTC(2026, 10, 26, 16), end: Date.UTC(2026, 10, 27, 16) });
  });

  it('last 23 and 25 hours on daylight-saving days', () => {
    const london = new LocalDays('Europe/London');
    expect(london.of(Date.UTC(2026, 2, 29, 12))).to.deep.equal({ day: '2026-03-29', start: Date.UTC(2026, 2, 29, 0), end: Date.UTC(2026, 2, 29, 23) });
    expect(london.of(Date.UTC(2026, 9, 25, 12))).to.deep.equal({ day: '2026-10-25', start: Date.UTC(2026, 9, 24, 23), end: Date.UTC(2026, 9, 26, 0) });
    expect(london.of(Date.UTC(2026, 9, 24, 23, 30))).to.deep.equal(london.of(Date.UTC(2026, 9, 25, 23, 30)));
  });
});

import { expect } from 'chai';
import { byInterval, wholeDay } from './interval-chart.ts';

const at = (hhmm: string) => `2026-11-26T${hhmm}:00.000Z`;

describe('wallboard interval figures', () => {
  it('sums the KPI rows of each interval across queues, tiers and sources, weighting service level by its base', () => {
    const rows = [
      { period: at('09:00'), queue: 'cards', offered: 4, answered: 3, abandoned: 1, shortAbandoned: 0, serviceLevel: 0.5 },
      { period: at('09:00'), queue: 'accounts', offered: 2, answered: 2, abandoned: 0, shortAbandoned: 0, serviceLevel: 1 },
      { period: at('09:15'), queue: 'cards', offered: 1, answered: 0, abandoned: 1, shortAbandoned: 1, serviceLevel: null },
    ];
    expect(byInterval(rows, null)).to.deep.equal([
      { start: Date.parse(at('09:00')), offered: 6, answered: 5, abandoned: 1, serviceLevel: (0.5 * 4 + 1 * 2) / 6 },
      { start: Date.parse(at('09:15')), offered: 1, answered: 0, abandoned: 1, serviceLevel: null },
    ]);
    expect(byInterval(rows, 'accounts').map((i) => i.offered)).to.deep.equal([2]);
  });
  it('lays out every 15-minute interval of the day, zero where nothing happened', () => {
    const midnight = Date.parse(at('00:00'));
    const day = wholeDay(midnight, [{ start: Date.parse(at('09:15')), offered: 3, answered: 3, abandoned: 0, serviceLevel: 1 }]);
    expect(day).to.have.length(96);
    expect(day[37]).to.include({ offered: 3 });
    expect(day.filter((i) => i.offered > 0)).to.have.length(1);
    expect(day[95].start).to.equal(midnight + 95 * 900_000);
  });
});

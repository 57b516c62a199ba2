// The hand-computable fixture day: a seeded script generates a few hundred calls with known
// waits, outcomes and handle times (generate-day.ts); an independent script computes the
// expected KPIs from those facts (expected-kpis.ts); the wallboard, rebuilt from the events in
// the embedded log, must show exactly the same figures.
import { expect } from 'chai';
import { rebuild } from '../../runtime/rebuild.ts';
import { freshNames, openTestLedger, type TestLedger } from '../../testing/int-support.ts';
import { wallboard } from '../wallboard.queries.ts';
import { expectedFigures, expectedGroups, expectedOccupancyByDay } from './expected-kpis.ts';
import { generateDay, type FixtureDay } from './generate-day.ts';

describe('wallboard › fixture day', function () {
  this.timeout(120_000);
  let ledger: TestLedger;
  let day: FixtureDay;

  before(async () => {
    day = generateDay();
    ledger = await openTestLedger(freshNames('embedded'));
    await ledger.append(day.events);
    await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models.filter((m) => m.name === 'wallboard') });
  });
  after(async () => {
    await ledger?.close();
    await ledger?.drop();
  });

  it('has a few hundred calls with every outcome, waits across local midnight, and transfers', () => {
    expect(day.visits.length).to.be.within(300, 600);
    const outcomes = new Set(day.visits.map((v) => v.outcome));
    expect([...outcomes].sort()).to.deep.equal(['ABANDONED', 'ANSWERED', 'CALLBACK']);
    expect(day.visits.some((v) => v.enteredAt < day.dayStart + 86_400_000 && v.enteredAt + v.waitMs >= day.dayStart + 86_400_000)).to.equal(true);
    expect(day.visits.filter((v) => v.transferredIn).length).to.be.above(10);
  });

  it('matches the independent figures per 15-minute interval, queue, tier and source', async () => {
    const rows = await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'interval', by: ['queue', 'tier', 'source'] });
    const expected = expectedGroups(day, (interval, _day, queue, tier, source) => [interval, queue, tier, source].join('|'));
    const actual = new Map(rows.map((r) => [[r.period, r.queue, r.tier, r.source].join('|'), r]));
    expect([...actual.keys()].sort()).to.deep.equal([...expected.keys()].sort());
    for (const [key, group] of expected) {
      const { metricsVersion, occupancy, ...figures } = (actual.get(key) as (typeof rows)[number]).figures;
      expect({ key, ...figures }).to.deep.equal({ key, ...expectedFigures(group) });
      expect([metricsVersion, occupancy]).to.deep.equal([1, null]);
    }
  });

  it('matches per local day and queue, per tier, per source, and per day with occupancy', async () => {
    for (const [by, keyOf] of [
      [['queue'], (_i: number, d: string, q: string) => `${d}|${q}`],
      [['tier'], (_i: number, d: string, _q: string, t: string) => `${d}|${t}`],
      [['source'], (_i: number, d: string, _q: string, _t: string, s: string) => `${d}|${s}`],
    ] as const) {
      const rows = await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'day', by: [...by] });
      const expected = expectedGroups(day, keyOf as (i: number, d: string, q: string, t: string, s: string) => string);
      const actual = new Map(rows.map((r) => [[r.period, r.queue ?? r.tier ?? r.source].join('|'), r.figures]));
      expect([...actual.keys()].sort()).to.deep.equal([...expected.keys()].sort());
      for (const [key, group] of expected) {
        const { metricsVersion, occupancy, ...figures } = actual.get(key) as (typeof rows)[number]['figures'];
        expect({ key, ...figures }).to.deep.equal({ key, ...expectedFigures(group) });
        expect([metricsVersion, occupancy]).to.deep.equal([1, null]);
      }
    }
    const [month] = await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'month' });
    const wholeFixture = expectedGroups(day, () => 'all').get('all') as Parameters<typeof expectedFigures>[0];
    expect(month.period).to.equal('2026-11');
    const { metricsVersion: _v, occupancy: _o, ...monthFigures } = month.figures;
    expect(monthFigures).to.deep.equal(expectedFigures(wholeFixture));
    const days = await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'day' });
    const expectedDays = expectedGroups(day, (_i, d) => d);
    const occupancy = expectedOccupancyByDay(day.agentSegments);
    expect(days.map((r) => r.period)).to.deep.equal(['2026-11-26', '2026-11-27']);
    for (const row of days) {
      const { metricsVersion, occupancy: actualOccupancy, ...figures } = row.figures;
      expect(figures).to.deep.equal(expectedFigures(expectedDays.get(row.period) as Parameters<typeof expectedFigures>[0]));
      expect(actualOccupancy).to.equal(occupancy.get(row.period));
      expect(metricsVersion).to.equal(1);
    }
  });
});

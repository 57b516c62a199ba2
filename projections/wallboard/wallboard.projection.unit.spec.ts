import { expect } from 'chai';
import { AgentScript, CallScript } from '../testing/builders.ts';
import { interleave, projectionSpec, type MemoryTables } from '../testing/projection-spec.ts';
import { bucketOf, OPEN_BUCKET, wallboardLogic } from './wallboard.projection.ts';
import { wallboardReadModel } from './wallboard.read-model.ts';
import { LocalIntervals } from './intervals.ts';

const model = { logic: wallboardLogic({ serviceLevelSeconds: 20, shortAbandonSeconds: 5, timeZone: 'Asia/Shanghai' }), tables: wallboardReadModel().tables };
const spec = projectionSpec(model);
const t0 = Date.UTC(2026, 10, 26, 2, 0, 0); // 2026-11-26 10:00 Asia/Shanghai
const s = (seconds: number) => t0 + seconds * 1000;
const Q = 15 * 60 * 1000;

function totals(tables: MemoryTables, where: (row: Record<string, unknown>) => boolean = () => true): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of tables.rows('intervals').filter(where)) {
    for (const [column, value] of Object.entries(row)) if (typeof value === 'number' && column !== 'interval_start') out[column] = (out[column] ?? 0) + value;
  }
  return out;
}

describe('wallboard projection', () => {
  describe('when a call is answered after 12 s, held 30 s and wrapped up', () => {
    it('counts offered, answered within service level, the wait, talk, hold and wrap-up', () => {
      const call = new CallScript('ix-1').started(s(0)).identified(s(5), 'VIP').queued(s(20), 'cards', 'VIP').offered(s(28), 'ag-1').answered(s(32), 'ag-1')
        .held(s(100)).resumed(s(130), 30_000).ended(s(200)).wrapUp(s(260), 'ag-1', 60_000);
      spec.given(call.events).when().then((tables) => {
        const rows = tables.rows('intervals');
        expect(rows).to.have.length(1);
        expect(rows[0]).to.deep.include({ interval_start: t0, local_day: '2026-11-26', queue_id: 'cards', tier: 'VIP', source_system: 'new' });
        expect(totals(tables)).to.deep.equal({
          offered: 1, transferred_in: 0, answered: 1, answered_in_sl: 1, answer_wait_ms: 12_000,
          handled: 1, talk_ms: 168_000 - 30_000, hold_ms: 30_000, held_contacts: 1, transfers: 0, wrap_ms: 60_000,
        });
        expect(tables.rows('wait_buckets').map((r) => [r.outcome, r.upper_ms, r.visits])).to.deep.equal([['ANSWERED', 15_000, 1]]);
      });
    });
  });

  describe('when a call is abandoned while ringing', () => {
    it('is an abandon in queue with its wait, not a short one past 5 s', () => {
      const call = new CallScript('ix-2').queued(s(0), 'cards').offered(s(25), 'ag-1').abandoned(s(27), 'RINGING', 27_000).ended(s(27));
      spec.given(call.events).when().then((tables) => {
        expect(totals(tables)).to.deep.equal({ offered: 1, transferred_in: 0, abandoned: 1, short_abandoned: 0, abandoned_in_sl: 0, abandon_wait_ms: 27_000 });
        expect(tables.rows('wait_buckets').map((r) => [r.outcome, r.upper_ms])).to.deep.equal([['ABANDONED', 30_000]]);
      });
    });

    it('counts a hang-up within 5 s as a short abandon, separately', () => {
      const call = new CallScript('ix-3').queued(s(0), 'cards').abandoned(s(5), 'QUEUE', 5000);
      spec.given(call.events).when().then((tables) => expect(totals(tables)).to.include({ abandoned: 1, short_abandoned: 1, abandoned_in_sl: 1 }));
    });
  });

  describe('when a call is transferred twice', () => {
    it('counts three visits, two transfers and three handled legs, each in its own queue', () => {
      const call = new CallScript('ix-t').queued(s(0), 'general').answered(s(10), 'ag-1').transferred(s(70), { queueId: 'cards' }).wrapUp(s(80), 'ag-1', 10_000)
        .queued(s(71), 'cards').answered(s(101), 'ag-2').transferred(s(161), { queueId: 'fraud' })
        .queued(s(162), 'fraud').answered(s(167), 'ag-3').ended(s(267)).wrapUp(s(300), 'ag-2', 20_000).wrapUp(s(330), 'ag-3', 30_000);
      spec.given(call.events).when().then((tables) => {
        const by = (queue: string) => totals(tables, (r) => r.queue_id === queue);
        expect(by('general')).to.deep.include({ offered: 1, transferred_in: 0, answered: 1, answer_wait_ms: 10_000, handled: 1, transfers: 1, talk_ms: 60_000, wrap_ms: 10_000 });
        expect(by('cards')).to.deep.include({ offered: 1, transferred_in: 1, answered: 1, answered_in_sl: 0, answer_wait_ms: 30_000, handled: 1, transfers: 1, talk_ms: 60_000, wrap_ms: 20_000 });
        expect(by('fraud')).to.deep.include({ offered: 1, transferred_in: 1, answered: 1, answer_wait_ms: 5_000, handled: 1, transfers: 0, talk_ms: 100_000, wrap_ms: 30_000 });
      });
    });
  });

  describe('when a visit crosses local midnight', () => {
    it('stays in the interval and local day it entered the queue', () => {
      const midnight = Date.UTC(2026, 10, 26, 16, 0, 0); // 2026-11-27 00:00 in Shanghai
      const late = new CallScript('ix-m').queued(midnight - 10_000, 'cards').answered(midnight + 15_000, 'ag-1').ended(midnight + 60_000);
      const after = new CallScript('ix-n').queued(midnight + 1_000, 'cards').abandoned(midnight + 3_000, 'QUEUE', 2_000);
      spec.given(late.events, after.events).when().then((tables) => {
        expect(tables.rows('intervals').map((r) => [r.interval_start, r.local_day, r.offered, r.answered ?? 0, r.abandoned ?? 0])).to.deep.equal([
          [midnight - Q, '2026-11-26', 1, 1, 0],
          [midnight, '2026-11-27', 1, 0, 1],
        ]);
      });
    });

    it('splits an agent state spanning midnight at the interval boundaries', () => {
      const midnight = Date.UTC(2026, 10, 26, 16, 0, 0);
      const agent = new AgentScript('ag-1').loggedIn(midnight - 120_000).state(midnight - 60_000, 'AVAILABLE').state(midnight + Q + 30_000, 'BUSY').loggedOut(midnight + Q + 90_000);
      spec.given(agent.events).when().then((tables) => {
        expect(tables.rows('agent_state_time').map((r) => [r.interval_start, r.local_day, r.state, r.ms])).to.deep.equal([
          [midnight - Q, '2026-11-26', 'AVAILABLE', 60_000],
          [midnight, '2026-11-27', 'AVAILABLE', Q],
          [midnight + Q, '2026-11-27', 'AVAILABLE', 30_000],
          [midnight + Q, '2026-11-27', 'BUSY', 60_000],
        ]);
      });
    });
  });

  describe('when events of different interactions arrive in another order, with duplicates', () => {
    it('ends with the same counters and buckets', () => {
      const calls = Array.from({ length: 6 }, (_, i) => {
        const c = new CallScript(`ix-${i}`, i % 2 ? 'legacy:avaya' : 'new').queued(s(i * 40), i % 3 ? 'cards' : 'loans', i % 2 ? 'VIP' : 'STANDARD');
        if (i % 3 === 0) c.abandoned(s(i * 40 + 3 + i), 'QUEUE', 0);
        else c.answered(s(i * 40 + 7 * i), `ag-${i}`).ended(s(i * 40 + 100)).wrapUp(s(i * 40 + 130), `ag-${i}`, 1000 * i);
        return c.events;
      });
      let expected: unknown;
      spec.given(calls.flat()).when().then((tables) => (expected = [tables.rows('intervals'), tables.rows('wait_buckets')]));
      const shuffled = interleave(calls, (i) => (i * 11) % 7);
      spec.given(shuffled).when(shuffled.filter((_, i) => i % 3 === 0)).then((tables) => expect([tables.rows('intervals'), tables.rows('wait_buckets')]).to.deep.equal(expected));
    });
  });

  describe('IVR', () => {
    it('counts self-service completions as IVR-contained and IVR hang-ups apart from queue abandons', () => {
      const contained = new CallScript('ix-i').started(s(0)).identified(s(5), 'PRIORITY').ivrExited(s(60), 'SELF_SERVICE_DONE').ended(s(61));
      const gaveUp = new CallScript('ix-j').started(s(0)).abandoned(s(30), 'IVR', 30_000);
      spec.given(contained.events, gaveUp.events).when().then((tables) => {
        expect(totals(tables)).to.deep.equal({ ivr_contained: 1, ivr_abandoned: 1 });
        expect(tables.rows('intervals').map((r) => [r.queue_id, r.tier])).to.deep.equal([['', 'PRIORITY'], ['', 'UNKNOWN']]);
      });
    });
  });

  describe('wait buckets', () => {
    it('are inclusive upper bounds, with an open last bucket', () => {
      expect([bucketOf(0), bucketOf(5000), bucketOf(5001), bucketOf(20_000), bucketOf(3_600_000), bucketOf(3_600_001)]).to.deep.equal([5000, 5000, 10_000, 20_000, 3_600_000, OPEN_BUCKET]);
    });
  });

  describe('local intervals', () => {
    it('follow the configured time zone', () => {
      const london = new LocalIntervals('Europe/London');
      const summer = Date.UTC(2026, 6, 1, 23, 10); // 00:10 BST on 2 July
      expect(london.of(summer)).to.deep.equal({ start: Date.UTC(2026, 6, 1, 23, 0), day: '2026-07-02' });
      expect(new LocalIntervals('Asia/Kathmandu').of(Date.UTC(2026, 0, 1, 18, 14))).to.deep.equal({ start: Date.UTC(2026, 0, 1, 18, 0), day: '2026-01-01' });
    });
  });
});

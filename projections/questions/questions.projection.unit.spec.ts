import { expect } from 'chai';
import { CallScript } from '../testing/builders.ts';
import { interleave, projectionSpec, type MemoryTables } from '../testing/projection-spec.ts';
import { questionsLogic } from './questions.projection.ts';
import { questionsReadModel } from './questions.read-model.ts';

const model = { logic: questionsLogic({ timeZone: 'Asia/Shanghai' }), tables: questionsReadModel().tables };
const spec = projectionSpec(model);
const t0 = Date.UTC(2026, 10, 26, 2, 0, 0); // 2026-11-26 10:00 Asia/Shanghai
const s = (seconds: number) => t0 + seconds * 1000;
const lostHowTo = { category: 'card.lost-how-to-report', count: 2 };
const replaceFee = { category: 'card.replace-fee', count: 1 };

/** Non-empty rows as [day, channel, queue, category, questions, calls]. */
function rows(tables: MemoryTables): [string, string, string, string, number, number][] {
  return tables.rows('daily').filter((r) => r.questions !== 0 || r.calls !== 0)
    .map((r) => [r.local_day, r.channel, r.queue_id, r.category, r.questions, r.calls] as [string, string, string, string, number, number]);
}

describe('questions projection', () => {
  describe('given calls whose summaries carry question categories', () => {
    it('counts questions and the calls that asked them per day, channel, first queue and category', () => {
      const a = new CallScript('ix-q1').started(s(0)).queued(s(5), 'cards').answered(s(20), 'ag-1').ended(s(200)).summarised(s(200), 'card_loss', [lostHowTo, replaceFee]);
      const b = new CallScript('ix-q2').started(s(60)).queued(s(65), 'cards').answered(s(80), 'ag-2').ended(s(300)).summarised(s(300), 'card_loss', [{ category: 'card.lost-how-to-report', count: 1 }]);
      const silent = new CallScript('ix-q3').started(s(90)).queued(s(95), 'cards').answered(s(99), 'ag-3').ended(s(150)).summarised(s(150), 'card_loss');
      spec.given(a.events, b.events, silent.events).when().then((tables) => expect(rows(tables)).to.deep.equal([
        ['2026-11-26', 'VOICE', 'cards', 'card.lost-how-to-report', 3, 2],
        ['2026-11-26', 'VOICE', 'cards', 'card.replace-fee', 1, 1],
      ]));
    });

    it('replaces the questions of an earlier summary of the same call with the later one', () => {
      const call = new CallScript('ix-q4').started(s(0)).queued(s(5), 'cards').summarised(s(100), 'card_loss', [lostHowTo]).summarised(s(120), 'card_loss', [replaceFee]);
      spec.given(call.events).when().then((tables) => expect(rows(tables)).to.deep.equal([['2026-11-26', 'VOICE', 'cards', 'card.replace-fee', 1, 1]]));
    });

    it('moves the questions with the call when its first queue arrives after the summary', () => {
      const call = new CallScript('ix-q5').started(s(0)).summarised(s(100), null, [lostHowTo]).queued(s(110), 'cards');
      spec.given(call.events).when().then((tables) => expect(rows(tables)).to.deep.equal([['2026-11-26', 'VOICE', 'cards', 'card.lost-how-to-report', 2, 1]]));
    });
  });

  describe('when a call crosses local midnight', () => {
    it('counts its questions on the day the call started, like the call itself', () => {
      const midnight = Date.UTC(2026, 10, 26, 16, 0, 0); // 2026-11-27 00:00 in Shanghai
      const late = new CallScript('ix-qm').started(midnight - 30_000).queued(midnight - 20_000, 'cards').answered(midnight - 10_000, 'ag-1').ended(midnight + 60_000).summarised(midnight + 60_000, 'card_loss', [lostHowTo]);
      const early = new CallScript('ix-qn').started(midnight + 1_000).queued(midnight + 2_000, 'cards').summarised(midnight + 90_000, 'card_loss', [replaceFee]);
      spec.given(late.events, early.events).when().then((tables) => {
        expect(tables.rows('daily').map((r) => [r.local_day, r.day_start, r.day_end, r.category, r.questions])).to.deep.equal([
          ['2026-11-26', midnight - 86_400_000, midnight, 'card.lost-how-to-report', 2],
          ['2026-11-27', midnight, midnight + 86_400_000, 'card.replace-fee', 1],
        ]);
      });
    });
  });

  describe('when events of different interactions arrive in another order, with duplicates', () => {
    it('ends with the same counts', () => {
      const categories = ['card.block', 'transfer.limit', 'account.balance'];
      const calls = Array.from({ length: 9 }, (_, i) => new CallScript(`ix-${i}`).started(s(i * 20)).queued(s(i * 20 + 5), i % 2 ? 'cards' : 'loans').answered(s(i * 20 + 30), `ag-${i}`)
        .ended(s(i * 20 + 90)).summarised(s(i * 20 + 90), null, [{ category: categories[i % 3], count: 1 + (i % 2) }]).events);
      let expected: unknown;
      spec.given(calls.flat()).when().then((tables) => (expected = rows(tables)));
      expect(expected).to.have.length(6);
      const shuffled = interleave(calls, (i) => (i * 7) % 4);
      spec.given(shuffled).when(shuffled.filter((_, i) => i % 3 === 2)).then((tables) => expect(rows(tables)).to.deep.equal(expected));
    });
  });
});

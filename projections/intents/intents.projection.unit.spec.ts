import { expect } from 'chai';
import { CallScript } from '../testing/builders.ts';
import { interleave, projectionSpec, type MemoryTables } from '../testing/projection-spec.ts';
import { intentsLogic } from './intents.projection.ts';
import { intentsReadModel } from './intents.read-model.ts';

const model = { logic: intentsLogic({ timeZone: 'Asia/Shanghai' }), tables: intentsReadModel().tables };
const spec = projectionSpec(model);
const t0 = Date.UTC(2026, 10, 26, 2, 0, 0); // 2026-11-26 10:00 Asia/Shanghai
const s = (seconds: number) => t0 + seconds * 1000;

/** Non-empty rows as [day, channel, queue, intent, source, calls]. */
function rows(tables: MemoryTables): [string, string, string, string, string, number][] {
  return tables.rows('daily').filter((r) => r.calls !== 0).map((r) => [r.local_day, r.channel, r.queue_id, r.intent, r.intent_source, r.calls] as [string, string, string, string, string, number]);
}

describe('intents projection', () => {
  describe('when a call collects intents from the IVR, the queue, the ticket, the summary and the agent', () => {
    it('counts the call once, under the intent of its most authoritative source so far', () => {
      const ivrOnly = new CallScript('ix-1').started(s(0)).ivrInput(s(5), 'root', 'MATCHED', { intent: 'balance_inquiry' }).ivrExited(s(9), 'SELF_SERVICE_DONE').ended(s(10));
      const confirmed = new CallScript('ix-2').started(s(0)).ivrExited(s(8), 'TO_AGENT', 8_000, { intent: 'card_activation' }).queued(s(8), 'cards', 'STANDARD', { intent: 'card_activation' })
        .answered(s(20), 'ag-1').ticketFields(s(60), 'card_loss').summarised(s(200), 'CARD_LOSS').ended(s(200)).wrapUp(s(230), 'ag-1', 30_000, 'card_loss');
      const summaryOnly = new CallScript('ix-3').started(s(0)).queued(s(3), 'loans').answered(s(9), 'ag-2').summarised(s(100), 'loan_repayment').ended(s(100)).wrapUp(s(120), 'ag-2', 20_000);
      spec.given(ivrOnly.events, confirmed.events, summaryOnly.events).when().then((tables) => {
        expect(rows(tables)).to.deep.equal([
          ['2026-11-26', 'VOICE', '', 'balance_inquiry', 'IvrInputReceived', 1],
          ['2026-11-26', 'VOICE', 'cards', 'card_loss', 'WrapUpCompleted', 1],
          ['2026-11-26', 'VOICE', 'loans', 'loan_repayment', 'SummaryGenerated', 1],
        ]);
        expect(tables.rows('daily').reduce((n, r) => n + (r.calls as number), 0)).to.equal(3);
      });
    });

    it('lets a later event of a source replace the earlier one, but never a weaker source replace a stronger one', () => {
      const call = new CallScript('ix-4').started(s(0)).ivrInput(s(2), 'root', 'MATCHED', { intent: 'balance' }).ivrInput(s(6), 'root', 'MATCHED', { intent: 'transfer' })
        .summarised(s(90), 'dispute').ivrExited(s(95), 'OTHER', 0, { intent: 'balance' });
      spec.given(call.events).when().then((tables) => expect(rows(tables)).to.deep.equal([['2026-11-26', 'VOICE', '', 'dispute', 'SummaryGenerated', 1]]));
    });
  });

  describe('a caller who hangs up in the IVR before any intent is known', () => {
    it('counts as a call with no intent', () => {
      const call = new CallScript('ix-5').started(s(0)).ivrNode(s(1), 'root').abandoned(s(20), 'IVR', 20_000).ended(s(20));
      spec.given(call.events).when().then((tables) => expect(rows(tables)).to.deep.equal([['2026-11-26', 'VOICE', '', '', 'NONE', 1]]));
    });
  });

  describe('a caller who zeros out and is served', () => {
    it('counts under the queue entered and the intent the agent confirms', () => {
      const call = new CallScript('ix-6').started(s(0)).ivrExited(s(4), 'ZERO_OUT').queued(s(4), 'general').answered(s(30), 'ag-1').ended(s(90)).wrapUp(s(100), 'ag-1', 10_000, 'address_change');
      spec.given(call.events).when().then((tables) => expect(rows(tables)).to.deep.equal([['2026-11-26', 'VOICE', 'general', 'address_change', 'WrapUpCompleted', 1]]));
    });
  });

  describe('when a call crosses local midnight', () => {
    it('counts on the day it started', () => {
      const midnight = Date.UTC(2026, 10, 26, 16, 0, 0); // 2026-11-27 00:00 in Shanghai
      const late = new CallScript('ix-m').started(midnight - 30_000).queued(midnight - 20_000, 'cards').answered(midnight + 10_000, 'ag-1').wrapUp(midnight + 300_000, 'ag-1', 1_000, 'card_loss');
      const early = new CallScript('ix-n').started(midnight + 1_000).ivrExited(midnight + 5_000, 'SELF_SERVICE_DONE', 4_000, { intent: 'card_loss' });
      spec.given(late.events, early.events).when().then((tables) => {
        expect(tables.rows('daily').filter((r) => r.calls !== 0).map((r) => [r.local_day, r.day_start, r.day_end, r.intent, r.calls])).to.deep.equal([
          ['2026-11-26', midnight - 86_400_000, midnight, 'card_loss', 1],
          ['2026-11-27', midnight, midnight + 86_400_000, 'card_loss', 1],
        ]);
      });
    });
  });

  describe('when events of different interactions arrive in another order, with duplicates', () => {
    it('ends with the same counts', () => {
      const intents = ['card_loss', 'balance', 'dispute'];
      const calls = Array.from({ length: 9 }, (_, i) => {
        const c = new CallScript(`ix-${i}`).started(s(i * 20)).ivrExited(s(i * 20 + 5), 'TO_AGENT', 5_000, { intent: intents[i % 3] }).queued(s(i * 20 + 5), i % 2 ? 'cards' : 'loans');
        if (i % 3 === 0) return c.abandoned(s(i * 20 + 60), 'QUEUE', 55_000).events;
        return c.answered(s(i * 20 + 30), `ag-${i}`).summarised(s(i * 20 + 90), intents[(i + 1) % 3]).wrapUp(s(i * 20 + 120), `ag-${i}`, 1_000, i % 2 ? intents[(i + 2) % 3] : null).events;
      });
      let expected: unknown;
      spec.given(calls.flat()).when().then((tables) => (expected = rows(tables)));
      expect(expected).to.have.length.greaterThan(3);
      const shuffled = interleave(calls, (i) => (i * 7) % 4);
      spec.given(shuffled).when(shuffled.filter((_, i) => i % 3 === 2)).then((tables) => expect(rows(tables)).to.deep.equal(expected));
    });
  });
});

import { expect } from 'chai';
import type { AnyLedgerEvent, LedgerEventMap } from '../../schemas/generated/events.ts';
import { AgentScript, CallScript, deterministicUuid, eventOf } from '../testing/builders.ts';
import { interleave, projectionSpec, type MemoryTables } from '../testing/projection-spec.ts';
import { agentProfilesLogic } from './agent-profiles.projection.ts';
import { agentProfilesReadModel } from './agent-profiles.read-model.ts';
import { isoWeekLabel, LocalWeeks } from './weeks.ts';

const model = { logic: agentProfilesLogic({ timeZone: 'Asia/Shanghai' }), tables: agentProfilesReadModel().tables };
const spec = projectionSpec(model);
const t0 = Date.UTC(2026, 10, 26, 2, 0, 0); // Thursday 2026-11-26 10:00 Asia/Shanghai (ISO week 2026-W48)
const s = (seconds: number) => t0 + seconds * 1000;
const WEEK = '2026-11-23';
const WEEK_AT = Date.UTC(2026, 10, 22, 16, 0, 0); // Monday 2026-11-23 00:00 in Shanghai
const NEXT_WEEK_AT = WEEK_AT + 7 * 86_400_000;

let seq = 0;
function qa<T extends 'QaScoreComputed' | 'QaFindingRecorded'>(type: T, interactionId: string, at: number, data: LedgerEventMap[T]): AnyLedgerEvent {
  seq += 1;
  return eventOf(type, data, { eventId: deterministicUuid(`qa-${seq}`), at, source: 'new', interactionId }) as AnyLedgerEvent;
}

function score(interactionId: string, at: number, agentId: string | null, value: number, passed: boolean): AnyLedgerEvent {
  return qa('QaScoreComputed', interactionId, at, { agentId, rulesId: 'qa', rulesVersion: 1, score: value, maxScore: 100, passed, findingsCount: 0, categoryScores: [], method: 'AUTOMATIC' });
}

function finding(interactionId: string, at: number, agentId: string | null, category: LedgerEventMap['QaFindingRecorded']['category'], points: number): AnyLedgerEvent {
  return qa('QaFindingRecorded', interactionId, at, { findingId: `f-${seq}`, ruleId: 'qa/x', ruleVersion: 1, category, severity: 'MEDIUM', agentId, pointsDeducted: points, evidence: [], note: null });
}

/** The agent_weeks row of an agent and week, without its key and without zero columns. */
function week(tables: MemoryTables, agentId: string, weekStart = WEEK): Record<string, unknown> {
  const row = tables.rows('agent_weeks').find((r) => r.agent_id === agentId && r.week_start === weekStart);
  if (!row) return {};
  return Object.fromEntries(Object.entries(row).filter(([k, v]) => !['agent_id', 'week_start', 'week_start_at', 'week_end_at'].includes(k) && v !== 0));
}

describe('agent profiles projection', () => {
  describe('when a call is answered, held, wrapped up as resolved and scored by QA', () => {
    it('adds handled, talk, hold, wrap-up, resolution, the QA score and findings by category to the agent\'s week', () => {
      const call = new CallScript('ix-1').queued(s(0), 'cards').offered(s(5), 'ag-1').answered(s(10), 'ag-1').held(s(40)).resumed(s(70), 30_000).ended(s(130)).wrapUp(s(160), 'ag-1', 30_000);
      const review = [score('ix-1', s(400), 'ag-1', 85, true), finding('ix-1', s(400), 'ag-1', 'GREETING', 5), finding('ix-1', s(400), null, 'GREETING', 10), finding('ix-1', s(401), 'ag-1', 'EMPATHY', 2.5)];
      spec.given(call.events).when(review).then((tables) => {
        expect(tables.rows('agent_weeks').map((r) => [r.agent_id, r.week_start, r.week_start_at, r.week_end_at])).to.deep.equal([['ag-1', WEEK, WEEK_AT, NEXT_WEEK_AT]]);
        expect(week(tables, 'ag-1')).to.deep.equal({
          offers: 1, handled: 1, talk_ms: 90_000, hold_ms: 30_000, held_contacts: 1, wrap_ups: 1, wrap_ms: 30_000, resolved: 1,
          qa_scored: 1, qa_score_bp: 8500, qa_passed: 1, qa_findings: 3,
        });
        expect(tables.rows('agent_qa_findings').map((r) => [r.agent_id, r.category, r.findings, r.points_deducted_centi])).to.deep.equal([
          ['ag-1', 'EMPATHY', 1, 250], ['ag-1', 'GREETING', 2, 1500],
        ]);
      });
    });
  });

  describe('when a call is transferred twice', () => {
    it('counts a handled leg and a transfer out for each of the first two agents, and resolution only for the agent who kept it', () => {
      const call = new CallScript('ix-t').queued(s(0), 'general').offered(s(1), 'ag-1').answered(s(10), 'ag-1').transferred(s(70), { queueId: 'cards' }).wrapUp(s(80), 'ag-1', 10_000)
        .queued(s(71), 'cards').offered(s(90), 'ag-2').answered(s(101), 'ag-2').transferred(s(161), { agentId: 'ag-3' })
        .answered(s(167), 'ag-3').ended(s(267)).wrapUp(s(300), 'ag-2', 20_000).wrapUp(s(330), 'ag-3', 30_000);
      spec.given(call.events).when(score('ix-t', s(900), null, 70, false)).then((tables) => {
        expect(week(tables, 'ag-1')).to.deep.equal({ offers: 1, handled: 1, talk_ms: 60_000, transfers_out: 1, wrap_ups: 1, wrap_ms: 10_000 });
        expect(week(tables, 'ag-2')).to.deep.equal({ offers: 1, handled: 1, talk_ms: 60_000, transfers_out: 1, wrap_ups: 1, wrap_ms: 20_000 });
        expect(week(tables, 'ag-3')).to.deep.equal({ handled: 1, talk_ms: 100_000, wrap_ups: 1, wrap_ms: 30_000, resolved: 1, qa_scored: 1, qa_score_bp: 7000 });
      });
    });
  });

  describe('when a call is abandoned while ringing', () => {
    it('counts the offer for the agent, and neither a handled call nor a ring-no-answer', () => {
      const abandoned = new CallScript('ix-a').queued(s(0), 'cards').offered(s(25), 'ag-1').abandoned(s(27), 'RINGING', 27_000).ended(s(27));
      spec.given(abandoned.events).when().then((tables) => expect(week(tables, 'ag-1')).to.deep.equal({ offers: 1 }));
    });
  });

  describe('when an offer rings out and the next agent answers', () => {
    it('counts the ring-no-answer for the first agent', () => {
      const call = new CallScript('ix-r').queued(s(0), 'cards').offered(s(5), 'ag-1').ringNoAnswer(s(20)).offered(s(21), 'ag-2').answered(s(24), 'ag-2').ended(s(84));
      spec.given(call.events).when().then((tables) => {
        expect(week(tables, 'ag-1')).to.deep.equal({ offers: 1, ring_no_answer: 1 });
        expect(week(tables, 'ag-2')).to.deep.equal({ offers: 1, handled: 1, talk_ms: 60_000 });
      });
    });
  });

  describe('at a week boundary (local Monday 00:00)', () => {
    it('keeps a call answered on Sunday night, and its late wrap-up and QA, in the week of the answer', () => {
      const call = new CallScript('ix-w').queued(NEXT_WEEK_AT - 120_000, 'cards').answered(NEXT_WEEK_AT - 60_000, 'ag-1').ended(NEXT_WEEK_AT + 60_000).wrapUp(NEXT_WEEK_AT + 90_000, 'ag-1', 30_000);
      const next = new CallScript('ix-x').queued(NEXT_WEEK_AT + 100_000, 'cards').answered(NEXT_WEEK_AT + 110_000, 'ag-1').ended(NEXT_WEEK_AT + 170_000);
      spec.given(call.events, next.events).when(score('ix-w', NEXT_WEEK_AT + 3_600_000, 'ag-1', 90, true)).then((tables) => {
        expect(tables.rows('agent_weeks').map((r) => [r.week_start, r.week_start_at])).to.deep.equal([[WEEK, WEEK_AT], ['2026-11-30', NEXT_WEEK_AT]]);
        expect(week(tables, 'ag-1')).to.deep.equal({ handled: 1, talk_ms: 120_000, wrap_ups: 1, wrap_ms: 30_000, resolved: 1, qa_scored: 1, qa_score_bp: 9000, qa_passed: 1 });
        expect(week(tables, 'ag-1', '2026-11-30')).to.deep.equal({ handled: 1, talk_ms: 60_000 });
      });
    });

    it('splits time in a state across the two weeks, and stops accruing at logout', () => {
      const agent = new AgentScript('ag-1').loggedIn(NEXT_WEEK_AT - 600_000).state(NEXT_WEEK_AT - 300_000, 'AVAILABLE').state(NEXT_WEEK_AT + 60_000, 'BUSY')
        .state(NEXT_WEEK_AT + 120_000, 'WRAP_UP').state(NEXT_WEEK_AT + 150_000, 'BREAK', 'lunch').loggedOut(NEXT_WEEK_AT + 1_950_000);
      spec.given(agent.events).when().then((tables) => {
        expect(week(tables, 'ag-1')).to.deep.equal({ available_ms: 300_000 });
        expect(week(tables, 'ag-1', '2026-11-30')).to.deep.equal({ available_ms: 60_000, busy_ms: 60_000, wrap_up_state_ms: 30_000, break_ms: 1_800_000 });
        expect(tables.rows('agents')).to.deep.equal([{ agent_id: 'ag-1', site: 'shanghai', teams: [] }]);
      });
    });
  });

  describe('when events of different interactions arrive in another order, with duplicates', () => {
    it('ends with the same rows', () => {
      const calls = Array.from({ length: 6 }, (_, i) => {
        const c = new CallScript(`ix-${i}`).queued(s(i * 40), 'cards').offered(s(i * 40 + 2), `ag-${i % 3}`);
        if (i % 3 === 0) c.abandoned(s(i * 40 + 4), 'RINGING', 4000);
        else c.answered(s(i * 40 + 7 * i), `ag-${i % 3}`).ended(s(i * 40 + 100)).wrapUp(s(i * 40 + 130), `ag-${i % 3}`, 1000 * i);
        return [...c.events, finding(`ix-${i}`, s(i * 40 + 500), null, 'SILENCE', i)];
      });
      const agents = [new AgentScript('ag-1').loggedIn(s(0)).state(s(1), 'AVAILABLE').state(s(50), 'BUSY').events, new AgentScript('ag-2').loggedIn(s(0)).state(s(3), 'AVAILABLE').events];
      let expected: unknown;
      spec.given([...calls, ...agents].flat()).when().then((tables) => (expected = [tables.rows('agent_weeks'), tables.rows('agent_qa_findings'), tables.rows('agents')]));
      const shuffled = interleave([...calls, ...agents], (i) => (i * 11) % 7);
      spec.given(shuffled).when(shuffled.filter((_, i) => i % 3 === 0)).then((tables) => {
        expect([tables.rows('agent_weeks'), tables.rows('agent_qa_findings'), tables.rows('agents')]).to.deep.equal(expected);
      });
    });
  });

  describe('weeks', () => {
    it('are ISO 8601 weeks (Monday start, the year of their Thursday)', () => {
      expect(['2026-11-26', '2026-11-23', '2026-11-22', '2027-01-01', '2024-12-30', '2021-01-03'].map(isoWeekLabel)).to.deep.equal(['2026-W48', '2026-W48', '2026-W47', '2026-W53', '2025-W01', '2020-W53']);
    });

    it('start at local midnight in the configured time zone', () => {
      expect(new LocalWeeks('Asia/Shanghai').of(WEEK_AT - 1)).to.deep.include({ start: '2026-11-16', endAt: WEEK_AT });
      const london = new LocalWeeks('Europe/London').of(Date.UTC(2026, 2, 30, 12)); // the Monday after the clocks went forward
      expect(london).to.deep.equal({ start: '2026-03-30', startAt: Date.UTC(2026, 2, 29, 23), endAt: Date.UTC(2026, 3, 5, 23) });
    });
  });
});

import { expect } from 'chai';
import { AgentScript, CallScript } from '../testing/builders.ts';
import { interleave, projectionSpec } from '../testing/projection-spec.ts';
import { liveQueuesLogic } from './live-queues.projection.ts';
import { liveQueuesReadModel } from './live-queues.read-model.ts';

const model = { logic: liveQueuesLogic, tables: liveQueuesReadModel().tables };
const spec = projectionSpec(model);
const t0 = Date.UTC(2026, 10, 26, 2, 0, 0); // 10:00 in Shanghai
const s = (seconds: number) => t0 + seconds * 1000;

describe('live queues projection', () => {
  describe('when calls enter queues', () => {
    it('lists them as waiting with tier, priority, entry time and skills', () => {
      const a = new CallScript('ix-a').started(s(0)).queued(s(10), 'cards', 'VIP', { priority: 5, skills: [{ skill: 'credit-card', minProficiency: 6 }] });
      const b = new CallScript('ix-b').started(s(1)).queued(s(12), 'cards', 'STANDARD');
      spec.given().when(a.events, b.events).then((tables) => {
        expect(tables.rows('waiting').map((r) => [r.interaction_id, r.tier, r.priority, r.entered_at, r.required_skills])).to.deep.equal([
          ['ix-a', 'VIP', 5, s(10), ['credit-card:6']],
          ['ix-b', 'STANDARD', 0, s(12), []],
        ]);
        expect(tables.rows('queue_requirements')).to.deep.equal([{ queue_id: 'cards', requirement: '' }, { queue_id: 'cards', requirement: 'credit-card:6' }]);
      });
    });
  });

  describe('when a waiting call is offered and rings', () => {
    it('marks the ringing agent, and clears it on ring-no-answer', () => {
      const call = new CallScript('ix-r').queued(s(0), 'loans').offered(s(5), 'ag-1');
      spec.given(call.events).when().then((tables) => expect(tables.row('waiting', { interaction_id: 'ix-r' })?.ringing_agent_id).to.equal('ag-1'));
      call.ringNoAnswer(s(20));
      spec.given(call.events).when().then((tables) => expect(tables.row('waiting', { interaction_id: 'ix-r' })?.ringing_agent_id).to.equal(null));
    });
  });

  describe('when a call is abandoned while ringing', () => {
    it('leaves the queue', () => {
      const call = new CallScript('ix-x').queued(s(0), 'loans').offered(s(5), 'ag-1').abandoned(s(8), 'RINGING', 8000);
      spec.given(call.events).when().then((tables) => expect(tables.rows('waiting')).to.deep.equal([]));
    });
  });

  describe('when a call is transferred twice', () => {
    it('waits in the last queue only while it is waiting there', () => {
      const call = new CallScript('ix-t')
        .queued(s(0), 'general').answered(s(10), 'ag-1').transferred(s(60), { queueId: 'cards' })
        .queued(s(61), 'cards').answered(s(70), 'ag-2').transferred(s(100), { queueId: 'fraud' })
        .queued(s(101), 'fraud');
      spec.given(call.events).when().then((tables) => {
        expect(tables.rows('waiting').map((r) => [r.queue_id, r.visit_id])).to.deep.equal([['fraud', 'ix-t-v3']]);
      });
      call.answered(s(130), 'ag-3');
      spec.given(call.events).when().then((tables) => expect(tables.rows('waiting')).to.deep.equal([]));
    });
  });

  describe('when events of different interactions arrive in another order', () => {
    it('ends with the same rows', () => {
      const calls = [0, 1, 2, 3].map((i) => new CallScript(`ix-${i}`).queued(s(i), 'q').offered(s(i + 5), `ag-${i}`));
      calls[1].answered(s(30), 'ag-1');
      calls[3].abandoned(s(31), 'QUEUE', 28_000);
      const inOrder = projectionSpec(model);
      let expected: unknown;
      inOrder.given(calls.flatMap((c) => c.events)).when().then((tables) => (expected = tables.rows('waiting')));
      spec.given(interleave(calls.map((c) => c.events), (i) => (i * 7) % 5)).when().then((tables) => expect(tables.rows('waiting')).to.deep.equal(expected));
      expect((expected as unknown[]).length).to.equal(2);
    });
  });

  describe('when an event is delivered twice under different offsets', () => {
    it('applies it once', () => {
      const call = new CallScript('ix-d').queued(s(0), 'q');
      const entered = call.events[0];
      call.answered(s(9), 'ag-1');
      // The QueueEntered duplicate arrives after the answer: a naive projection would re-add the call.
      spec.given(call.events).when(entered).then((tables) => expect(tables.rows('waiting')).to.deep.equal([]));
    });
  });

  describe('agents', () => {
    it('keep their current state, reason, skills and log-in', () => {
      const agent = new AgentScript('ag-1').loggedIn(s(0), [{ skill: 'credit-card', proficiency: 7 }]).state(s(1), 'AVAILABLE').state(s(50), 'BREAK', 'lunch');
      const other = new AgentScript('ag-2').loggedIn(s(0)).state(s(2), 'AVAILABLE').loggedOut(s(40));
      spec.given(agent.events, other.events).when().then((tables) => {
        expect(tables.rows('agents').map((r) => [r.agent_id, r.logged_in, r.state, r.reason_code, r.state_since, r.skills])).to.deep.equal([
          ['ag-1', true, 'BREAK', 'lunch', s(50), ['credit-card:7']],
          ['ag-2', false, 'OFFLINE', 'END_OF_SHIFT', s(40), []],
        ]);
      });
    });
  });
});

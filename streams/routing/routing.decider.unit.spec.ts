import { expect } from 'chai';
import { deciderSpec } from '../../test/support/decider-spec.ts';
import { at, offerId, routing as ev } from '../../test/support/routing-events.ts';
import { decide, fromSnapshot, initialState, routingStats, toSnapshot, type RoutingDecision, type RoutingInput, type RoutingState } from './routing.decider.ts';
import { cohortBucket, type RoutingPolicyDocument } from './routing-policy.ts';

const spec = deciderSpec<RoutingState, RoutingInput, RoutingDecision>({ initialState, decide });

const base: RoutingPolicyDocument = {
  defaultStrategy: 'longest-idle',
  tiers: { VIP: { priority: 1000 }, PRIORITY: { priority: 100 }, STANDARD: { priority: 0 } },
  agingPointsPerSecond: 1,
  ringTimeoutSeconds: 20,
  ringNoAnswer: { agentState: 'BREAK', reasonCode: 'ring-no-answer' },
  vip: { relationshipAgentWaitSeconds: 30, queueId: 'vip' },
  queues: [
    { id: 'cards', requiredSkills: [{ skill: 'cards', minProficiency: 3 }], overflow: [{ afterSeconds: 60, queueId: 'general' }] },
    { id: 'general', requiredSkills: [] },
    { id: 'vip', requiredSkills: [{ skill: 'wealth', minProficiency: 5 }] },
  ],
};
const withQueues = (queues: RoutingPolicyDocument['queues'], extra: Partial<RoutingPolicyDocument> = {}): RoutingPolicyDocument => {
  const { vip, ...rest } = base;
  return { ...rest, ...(queues.some((q) => q.id === 'vip') ? { vip } : {}), ...extra, queues };
};
const policyV1 = ev.policy(base);

const offered = (interactionId: string, agentId: string, attempt = 1) => [
  { type: 'RoutingDecided' as const, interactionId, data: { outcome: 'OFFER' as const, agentId } },
  { type: 'InteractionOffered' as const, interactionId, data: { agentId, offerId: offerId(interactionId, attempt), attempt } },
];
const waits = (interactionId: string) => ({ type: 'RoutingDecided' as const, interactionId, data: { outcome: 'WAIT' as const, agentId: null } });

/** The snapshot is the logical state: equal snapshots, equal states. */
const unchanged = (before: string) => (state: RoutingState) => {
  const after = JSON.parse(JSON.stringify(toSnapshot(state))) as { rejected: unknown };
  const expected = JSON.parse(before) as { rejected: unknown };
  after.rejected = expected.rejected;
  expect(after).to.deep.equal(expected);
};

describe('routing decider', function () {
  describe('when a call queues and agents are free', function () {
    it('offers it to the agent idle longest, naming the policy version, strategy and candidates', function () {
      const [decision] = spec.given([policyV1, ...ev.ready('a1', { cards: 5 }, 1), ...ev.ready('a2', { cards: 5 }, 2)])
        .when(ev.queued('c1', 'cards', 10))
        .then([
          { type: 'RoutingDecided', occurredAt: at(10), data: { outcome: 'OFFER', agentId: 'a1', strategy: 'LONGEST_IDLE', policyId: 'routing', policyVersion: 1, cohort: 'CURRENT', candidatesConsidered: 2, winningScore: 9 } },
          { type: 'InteractionOffered', data: { agentId: 'a1', queueId: 'cards', ringTimeoutMs: 20000, attempt: 1 } },
        ]);
      expect(decision.type === 'RoutingDecided' && decision.data.candidates.map((c) => c.agentId)).to.deep.equal(['a1', 'a2']);
    });

    it('skips agents without the skill or below the minimum proficiency, and says why the call waits', function () {
      const [decision] = spec.given([policyV1, ...ev.ready('a1', { cards: 2 }, 1), ...ev.ready('a2', { loans: 9 }, 2)])
        .when(ev.queued('c1', 'cards', 10))
        .then([waits('c1')]);
      expect(decision.type === 'RoutingDecided' && decision.data.reason).to.match(/no available agent with cards≥3 in cards \(0 logged-in agents qualify/);
    });

    it('adds the call\'s own required skills to the queue\'s', function () {
      spec.given([policyV1, ...ev.ready('a1', { cards: 5 }, 1), ...ev.ready('a2', { cards: 5, cantonese: 4 }, 2)])
        .when(ev.queued('c1', 'cards', 10, { skills: { cantonese: 3 } }))
        .then(offered('c1', 'a2'));
    });

    it('decides two calls arriving at the same instant for one agent in stream order', function () {
      spec.given([policyV1, ...ev.ready('a1', { cards: 5 }, 1), ev.queued('c1', 'cards', 10)])
        .when(ev.queued('c2', 'cards', 10))
        .then([waits('c2')]);
    });
  });

  describe('when an agent becomes available and calls wait', function () {
    it('takes the highest tier first', function () {
      spec.given([policyV1, ev.login('a1', { cards: 5 }, 0), ev.queued('std', 'cards', 1), ev.queued('prio', 'cards', 2, { tier: 'PRIORITY' })])
        .when(ev.state('a1', 'AVAILABLE', 3))
        .then(offered('prio', 'a1'));
    });

    it('prevents starvation: a standard call that waited long enough overtakes newer priority calls (aging)', function () {
      // PRIORITY is worth 100 points; standard gains 1 point per second waited.
      spec.given([policyV1, ev.login('a1', { cards: 5 }, 0), ev.queued('std', 'cards', 0), ev.queued('prio', 'cards', 101, { tier: 'PRIORITY' })])
        .when(ev.state('a1', 'AVAILABLE', 102))
        .then(offered('std', 'a1'));
    });

    it('keeps first-in first-out between equal priorities', function () {
      spec.given([policyV1, ev.login('a1', { cards: 5 }, 0), ev.queued('c1', 'cards', 1), ev.queued('c2', 'cards', 1)])
        .when(ev.state('a1', 'AVAILABLE', 3))
        .then(offered('c1', 'a1'));
    });

    it('serves several queues by aged priority (queue priority counts)', function () {
      const policy = ev.policy(withQueues([{ id: 'cards', requiredSkills: [] }, { id: 'loans', requiredSkills: [], priority: 50 }]));
      spec.given([policy, ev.login('a1', {}, 0), ev.queued('c1', 'cards', 0), ev.queued('l1', 'loans', 20)])
        .when(ev.state('a1', 'AVAILABLE', 30))
        .then(offered('l1', 'a1'));
    });
  });

  describe('strategies', function () {
    const inQueue = (strategy: NonNullable<RoutingPolicyDocument['defaultStrategy']>) => ev.policy(withQueues([{ id: 'q', requiredSkills: [{ skill: 'cards', minProficiency: 1 }], strategy }]));
    const busyCycle = (agentId: string, call: string, from: number, to: number): RoutingInput[] => [
      ev.queued(call, 'q', from), ev.answered(call, agentId, offerId(call), from), ev.state(agentId, 'BUSY', from, call), ev.state(agentId, 'AVAILABLE', to),
    ];

    it('fewest-calls offers the agent who answered fewest calls', function () {
      spec.given([inQueue('fewest-calls'), ...ev.ready('a1', { cards: 5 }, 0), ...busyCycle('a1', 'x1', 1, 2), ...ev.ready('a2', { cards: 5 }, 3), ...busyCycle('a2', 'x2', 4, 5), ...busyCycle('a2', 'x3', 6, 7)])
        .when(ev.queued('c1', 'q', 10))
        .then([{ data: { outcome: 'OFFER', agentId: 'a1', strategy: 'FEWEST_CALLS', winningScore: -1 } }, { type: 'InteractionOffered' }]);
    });

    it('least-occupied offers the agent with the least busy share of logged-in time', function () {
      spec.given([inQueue('least-occupied'), ...ev.ready('a1', { cards: 5 }, 0), ...busyCycle('a1', 'x1', 0, 50), ...ev.ready('a2', { cards: 5 }, 0), ...busyCycle('a2', 'x2', 50, 60)])
        .when(ev.queued('c1', 'q', 100))
        // a1: busy 50 s of 100 logged in; a2 (logged in at 50: the clock never goes back): 10 s of 50.
        .then([{ data: { outcome: 'OFFER', agentId: 'a2', strategy: 'LEAST_OCCUPIED', winningScore: 0.8 } }, { type: 'InteractionOffered' }]);
    });

    it('skill-weighted offers the most proficient agent', function () {
      spec.given([inQueue('skill-weighted'), ...ev.ready('a1', { cards: 4 }, 0), ...ev.ready('a2', { cards: 9 }, 1), ...ev.ready('a3', { cards: 6 }, 2)])
        .when(ev.queued('c1', 'q', 10))
        .then([{ data: { outcome: 'OFFER', agentId: 'a2', strategy: 'SKILLS_BASED', winningScore: 9 } }, { type: 'InteractionOffered' }]);
    });

    it('round-robin continues after the agent offered last (rrmemory)', function () {
      spec.given([inQueue('round-robin'), ...ev.ready('a1', { cards: 4 }, 0), ...ev.ready('a2', { cards: 4 }, 1), ...ev.ready('a3', { cards: 4 }, 2), ev.queued('c1', 'q', 3)])
        .when(ev.queued('c2', 'q', 4))
        .then([{ data: { outcome: 'OFFER', agentId: 'a2', strategy: 'ROUND_ROBIN' } }, { type: 'InteractionOffered' }]);
    });
  });

  describe('when a VIP calls', function () {
    const vipCall = (seconds: number) => [ev.identified('v1', 'VIP', 'rm1', seconds), ev.queued('v1', 'cards', seconds, { tier: 'VIP' })];

    it('offers the relationship agent when available', function () {
      spec.given([policyV1, ...ev.ready('a1', { cards: 5 }, 0), ...ev.ready('rm1', { wealth: 9 }, 1), vipCall(5)[0]])
        .when(vipCall(5)[1])
        .then([{ data: { outcome: 'OFFER', agentId: 'rm1', strategy: 'RELATIONSHIP_AGENT' } }, { type: 'InteractionOffered', data: { agentId: 'rm1' } }]);
    });

    it('waits for a busy relationship agent and offers them when they are free within the wait', function () {
      const given = [policyV1, ...ev.ready('rm1', { wealth: 9 }, 0), ev.state('rm1', 'BUSY', 1), ...ev.ready('w1', { wealth: 9 }, 2), ...vipCall(5)];
      spec.given(given).when(ev.state('rm1', 'AVAILABLE', 20))
        .then([{ data: { outcome: 'OFFER', agentId: 'rm1', strategy: 'RELATIONSHIP_AGENT' } }, { type: 'InteractionOffered', data: { agentId: 'rm1' } }]);
    });

    it('goes to the VIP queue when the relationship agent stays busy past the wait', function () {
      const given = [policyV1, ...ev.ready('rm1', { wealth: 9 }, 0), ev.state('rm1', 'BUSY', 1), ...ev.ready('w1', { wealth: 9 }, 2), ...vipCall(5)];
      spec.given(given).when(ev.tick(36))
        .then([
          { type: 'RoutingDecided', occurredAt: at(35), data: { outcome: 'OVERFLOW', overflowQueueId: 'vip', strategy: 'VIP_DEDICATED' } },
          { type: 'RoutingDecided', occurredAt: at(35), data: { outcome: 'OFFER', agentId: 'w1', queueId: 'vip', strategy: 'VIP_DEDICATED' } },
          { type: 'InteractionOffered', data: { agentId: 'w1', queueId: 'vip' } },
        ]);
    });

    it('goes straight to the VIP queue without a relationship agent', function () {
      spec.given([policyV1, ...ev.ready('w1', { wealth: 9 }, 0)]).when(ev.queued('v2', 'cards', 5, { tier: 'VIP' }))
        .then([{ data: { outcome: 'OVERFLOW', overflowQueueId: 'vip' } }, { data: { outcome: 'OFFER', agentId: 'w1' } }, { type: 'InteractionOffered' }]);
    });
  });

  describe('overflow', function () {
    it('moves a call to the backup queue after the wait, where a free agent takes it', function () {
      spec.given([policyV1, ...ev.ready('g1', { loans: 5 }, 0), ev.queued('c1', 'cards', 0)])
        .when(ev.tick(61))
        .then([
          { type: 'RoutingDecided', occurredAt: at(60), data: { outcome: 'OVERFLOW', queueId: 'cards', overflowQueueId: 'general' } },
          { type: 'RoutingDecided', data: { outcome: 'OFFER', queueId: 'general', agentId: 'g1' } },
          { type: 'InteractionOffered', data: { queueId: 'general' } },
        ]);
    });

    it('widens the skill set in place after the wait', function () {
      const policy = ev.policy(withQueues([{ id: 'cards', requiredSkills: [{ skill: 'cards', minProficiency: 7 }], overflow: [{ afterSeconds: 30, widenSkills: [{ skill: 'cards', minProficiency: 2 }] }] }]));
      const [widened] = spec.given([policy, ...ev.ready('a1', { cards: 3 }, 0), ev.queued('c1', 'cards', 0)])
        .when(ev.tick(31))
        .then([{ data: { outcome: 'OVERFLOW', overflowQueueId: 'cards' } }, { data: { outcome: 'OFFER', agentId: 'a1' } }, { type: 'InteractionOffered' }]);
      expect(widened.type === 'RoutingDecided' && widened.data.reason).to.match(/skills widened to cards≥2/);
    });
  });

  describe('ring-no-answer', function () {
    const given = [policyV1, ...ev.ready('a1', { cards: 5 }, 0), ...ev.ready('a2', { cards: 5 }, 1), ev.queued('c1', 'cards', 5)];

    it('times the offer out, sets the agent not-ready by policy, and re-offers the call to the next agent', function () {
      spec.given(given).when(ev.tick(26))
        .then([
          { type: 'OfferTimedOut', occurredAt: at(25), data: { offerId: offerId('c1'), agentId: 'a1', ringMs: 20000 } },
          { type: 'AgentStateChanged', interactionId: null, data: { agentId: 'a1', state: 'BREAK', previousState: 'AVAILABLE', reasonCode: 'ring-no-answer' } },
          ...offered('c1', 'a2', 2),
        ]);
    });

    it('re-queues the call at the front, ahead of higher-priority calls', function () {
      spec.given([...given, ev.state('a2', 'BUSY', 6), ev.queued('p1', 'cards', 7, { tier: 'PRIORITY' }), ev.tick(26)])
        .when(ev.state('a2', 'AVAILABLE', 27))
        .then(offered('c1', 'a2', 2));
    });

    it('decides nothing on a tick at or before its current time (a second ticker, a clock behind, a repeat)', function () {
      const afterTimeout = [...given, ev.tick(26)];
      spec.given(afterTimeout).when(ev.tick(25.7, 7)).then([]);
      spec.given(afterTimeout).when(ev.tick(26, 8)).then([]);
    });

    it('treats a ring-no-answer reported by the telephony like its own timer', function () {
      spec.given(given).when(ev.timedOut('c1', 'a1', offerId('c1'), 12))
        .then([{ type: 'AgentStateChanged', data: { agentId: 'a1', state: 'BREAK' } }, ...offered('c1', 'a2', 2)]);
    });

    it('re-queues a declined offer at the front and offers it to another agent', function () {
      spec.given(given).when(ev.declined('c1', 'a1', offerId('c1'), 8))
        .then([...offered('c1', 'a2', 2)]);
    });
  });

  describe('when the world changes while a call rings', function () {
    const given = [policyV1, ...ev.ready('a1', { cards: 5 }, 0), ev.queued('c1', 'cards', 5)];

    it('withdraws the offer of an agent who logs out and re-offers the call', function () {
      spec.given([...given, ...ev.ready('a2', { cards: 5 }, 6)]).when(ev.logout('a1', 7))
        .then([{ type: 'OfferWithdrawn', data: { agentId: 'a1', reason: 'AGENT_LOGGED_OUT', ringMs: 2000 } }, ...offered('c1', 'a2', 2)]);
    });

    it('withdraws the offer when the caller abandons and gives the agent the next waiting call', function () {
      spec.given([...given, ev.queued('c2', 'cards', 6)]).when(ev.abandoned('c1', 8))
        .then([{ type: 'OfferWithdrawn', interactionId: 'c1', data: { reason: 'CALLER_ABANDONED' } }, ...offered('c2', 'a1')]);
    });

    it('ends routing of an answered call; the agent gets calls again only when available', function () {
      spec.given([...given, ev.answered('c1', 'a1', offerId('c1'), 8), ev.state('a1', 'BUSY', 8, 'c1'), ev.queued('c2', 'cards', 9)])
        .when(ev.state('a1', 'AVAILABLE', 60))
        .then(offered('c2', 'a1'));
    });

    it('withdraws the offer of an agent who goes on break', function () {
      spec.given(given).when(ev.state('a1', 'BREAK', 7))
        .then([{ type: 'OfferWithdrawn', data: { reason: 'AGENT_NOT_READY' } }, waits('c1')]);
    });
  });

  describe('queue limits and business hours', function () {
    it('refuses a call past the maximum queue length', function () {
      const policy = ev.policy(withQueues([{ id: 'q', requiredSkills: [], maxLength: 1 }]));
      const [decision] = spec.given([policy, ev.queued('c1', 'q', 1)]).when(ev.queued('c2', 'q', 2))
        .then([{ data: { outcome: 'OTHER', agentId: null } }]);
      expect(decision.type === 'RoutingDecided' && decision.data.reason).to.match(/queue q is full \(maxLength 1\) → refused/);
    });

    it('overflows a call past the maximum queue length when the policy says so', function () {
      const policy = ev.policy(withQueues([{ id: 'q', requiredSkills: [], maxLength: 1, whenFull: { action: 'overflow', queueId: 'spill' } }, { id: 'spill', requiredSkills: [] }]));
      spec.given([policy, ev.queued('c1', 'q', 1)]).when(ev.queued('c2', 'q', 2))
        .then([{ data: { outcome: 'OVERFLOW', overflowQueueId: 'spill' } }, { data: { outcome: 'WAIT', queueId: 'spill' } }]);
    });

    it('refuses calls outside business hours (local time, fixed offset) and takes them inside', function () {
      const hours = { utcOffsetMinutes: 480, weekly: [{ days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' }], whenClosed: { action: 'reject' as const } };
      const policy = ev.policy(withQueues([{ id: 'q', requiredSkills: [], businessHours: hours }]));
      // t0 is Monday 10:00 local; +9 h is 19:00.
      spec.given([policy]).when(ev.queued('late', 'q', 9 * 3600)).then([{ data: { outcome: 'OTHER', reason: 'queue q is closed (business hours) → refused' } }]);
      spec.given([policy]).when(ev.queued('early', 'q', 60)).then([waits('early')]);
    });
  });

  describe('policies', function () {
    it('applies a policy change mid-queue: waiting calls are re-evaluated under the new version', function () {
      const looser = ev.policy(withQueues([{ id: 'cards', requiredSkills: [{ skill: 'cards', minProficiency: 1 }] }, { id: 'general', requiredSkills: [] }, { id: 'vip', requiredSkills: [] }]), { version: 2, seconds: 20 });
      spec.given([policyV1, ...ev.ready('a1', { cards: 2 }, 0), ev.queued('c1', 'cards', 5)]).when(looser)
        .then([{ data: { outcome: 'OFFER', agentId: 'a1', policyVersion: 2 } }, { type: 'InteractionOffered' }]);
    });

    it('waits for effectiveFrom before a published version applies', function () {
      const later = ev.policy(withQueues([{ id: 'cards', requiredSkills: [] }]), { version: 2, seconds: 10, effectiveFromSeconds: 50 });
      spec.given([policyV1, ...ev.ready('a1', { loans: 2 }, 0), ev.queued('c1', 'cards', 5), later, ev.tick(49)]).when(ev.tick(51))
        .then([{ data: { outcome: 'OFFER', agentId: 'a1', policyVersion: 2 } }, { type: 'InteractionOffered' }]);
    });

    it('refuses an invalid policy naming the field and the rule, and keeps the running one', function () {
      const bad = ev.rawPolicy(JSON.stringify({ queues: [{ id: 'q', requiredSkills: [{ skill: 'x', minProficiency: 11 }], strategy: 'fastest' }] }), { version: 2 });
      const before = JSON.stringify(toSnapshot(fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(stateAfter([policyV1])))))));
      spec.given([policyV1]).when(bad).thenRejects(/routing policy routing v2 refused: .*queues\.0\.requiredSkills\.0\.minProficiency: must be <= 10 \[maximum\].*queues\.0\.strategy: must be one of .* \[enum\].*the running policy routing v1 stays/, unchanged(before));
    });

    it('refuses a policy that names an undefined overflow queue, and one that is not JSON', function () {
      spec.given([policyV1]).when(ev.policy(withQueues([{ id: 'q', requiredSkills: [], overflow: [{ afterSeconds: 5, queueId: 'nowhere' }] }]), { version: 2 }))
        .thenRejects(/queues\.0\.overflow\.0\.queueId: names the queue 'nowhere', which the policy does not define \[known-queue\]/);
      spec.given([policyV1]).when(ev.rawPolicy('{ nope', { version: 2 })).thenRejects(/\(document\): is not JSON/);
    });

    it('refuses a version that is not newer than the last one', function () {
      spec.given([policyV1]).when(ev.policy(base, { version: 1 })).thenRejects(/version: must be greater than the last published version 1 \[monotonic\]/);
    });
  });

  describe('gray release', function () {
    const candidate = ev.policy(withQueues(base.queues, { stage: 'candidate', defaultStrategy: 'skill-weighted', ringTimeoutSeconds: 10 }), { version: 2 });

    it('puts a stable share of agents in the candidate cohort by a hash of the agent id', function () {
      const agents = Array.from({ length: 10000 }, (_, i) => `agent-${i}`);
      const share = agents.filter((id) => cohortBucket(id) < 500).length / agents.length;
      expect(share).to.be.within(0.04, 0.06);
      expect(cohortBucket('agent-42')).to.equal(cohortBucket('agent-42'));
    });

    it('decides with the candidate version for candidate agents and says so', function () {
      const cohort = ev.cohort({ candidate: { policyId: 'routing', version: 2 }, percentage: 0, include: ['a2'] }, { seconds: 1 });
      spec.given([policyV1, candidate, cohort, ...ev.ready('a1', { cards: 4 }, 2), ...ev.ready('a2', { cards: 9 }, 3), ev.state('a1', 'BUSY', 4)])
        .when(ev.queued('c1', 'cards', 10))
        .then([
          { data: { outcome: 'OFFER', agentId: 'a2', cohort: 'CANDIDATE', policyVersion: 2, strategy: 'SKILLS_BASED' } },
          { type: 'InteractionOffered', data: { ringTimeoutMs: 10000 } },
        ]);
    });

    it('keeps current-cohort agents on the released version', function () {
      const cohort = ev.cohort({ candidate: { policyId: 'routing', version: 2 }, percentage: 0, include: ['a2'] }, { seconds: 1 });
      spec.given([policyV1, candidate, cohort, ...ev.ready('a1', { cards: 4 }, 2), ...ev.ready('a2', { cards: 9 }, 3)])
        .when(ev.queued('c1', 'cards', 10))
        .then([{ data: { outcome: 'OFFER', agentId: 'a1', cohort: 'CURRENT', policyVersion: 1 } }, { type: 'InteractionOffered', data: { ringTimeoutMs: 20000 } }]);
    });

    it('refuses a cohort policy naming a version not published as a candidate', function () {
      spec.given([policyV1]).when(ev.cohort({ candidate: { policyId: 'routing', version: 7 }, percentage: 5 }))
        .thenRejects(/candidate: names routing policy routing@7, which was not published as a valid candidate \[known-candidate\]/);
    });
  });

  describe('bad input', function () {
    it('refuses, counts and does not apply events about unknown agents', function () {
      spec.given([policyV1]).when(ev.state('ghost', 'AVAILABLE', 1)).thenRejects(/agent 'ghost' is not logged in at this site \[unknown-agent\]/, (state) => {
        expect(state.rejected['unknown-agent']).to.equal(1);
        expect(state.agents.size).to.equal(0);
      });
    });

    it('refuses, counts and does not apply answers for interactions it never queued', function () {
      spec.given([policyV1]).when(ev.answered('ghost', 'a1', null, 1)).thenRejects(/interaction 'ghost' is not queued at this site \[unknown-interaction\]/, (state) => {
        expect(state.rejected['unknown-interaction']).to.equal(1);
      });
    });

    it('ignores late reports of offers that are already over', function () {
      spec.given([policyV1, ...ev.ready('a1', { cards: 5 }, 0), ev.queued('c1', 'cards', 5), ev.tick(30)])
        .when(ev.timedOut('c1', 'a1', offerId('c1'), 31)).then([]);
    });
  });

  describe('snapshots', function () {
    it('restores a state that decides like the original', function () {
      const inputs = [policyV1, ...ev.ready('a1', { cards: 5 }, 0), ev.queued('c1', 'cards', 1), ev.queued('c2', 'cards', 2), ev.queued('v', 'cards', 3, { tier: 'VIP' }), ...ev.ready('w', { wealth: 9 }, 4)];
      const original = stateAfter(inputs);
      const restored = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(original))));
      const { subQueues: _sq, ...restoredStats } = routingStats(restored);
      const { subQueues: _so, ...originalStats } = routingStats(original);
      expect(restoredStats).to.deep.equal(originalStats);
      const next = [ev.tick(40), ev.state('a1', 'AVAILABLE', 41), ev.tick(70)];
      expect(next.flatMap((input) => decide(input, restored))).to.deep.equal(next.flatMap((input) => decide(input, original)));
    });
  });
});

function stateAfter(inputs: readonly RoutingInput[]): RoutingState {
  const state = initialState();
  for (const input of inputs) decide(input, state);
  return state;
}

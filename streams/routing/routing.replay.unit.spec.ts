// Replay determinism, as a property: random routing input sequences decided twice, and decided
// with a restart from a snapshot at a random point, give the same decision bytes (Avro, with
// their UUIDv5 ids), byte for byte.
import { expect } from 'chai';
import type { LogRecord } from '../../log/port.ts';
import { catalogue } from '../../schemas/catalogue.ts';
import { EventCodec } from '../../schemas/codec/event-codec.ts';
import { InMemorySchemaRegistry } from '../../test/support/in-memory-schema-registry.ts';
import { routing as ev } from '../../test/support/routing-events.ts';
import { outputRecords } from '../runtime/run-processor.ts';
import { decide, fromSnapshot, initialState, routingComponent, toSnapshot, type RoutingDecision, type RoutingInput, type RoutingSnapshot, type RoutingState } from './routing.decider.ts';
import type { RoutingPolicyDocument } from './routing-policy.ts';
import { seededRandom as prng } from '../../test/support/seeded-random.ts';


const policies: RoutingPolicyDocument[] = [
  {
    defaultStrategy: 'longest-idle', ringTimeoutSeconds: 15, vip: { relationshipAgentWaitSeconds: 20, queueId: 'vip' },
    queues: [
      { id: 'cards', requiredSkills: [{ skill: 'cards', minProficiency: 3 }], maxLength: 6, overflow: [{ afterSeconds: 40, queueId: 'general' }] },
      { id: 'general', requiredSkills: [], strategy: 'fewest-calls', overflow: [{ afterSeconds: 30, widenSkills: [{ skill: 'cantonese', minProficiency: 1 }] }] },
      { id: 'vip', requiredSkills: [{ skill: 'wealth', minProficiency: 5 }], strategy: 'skill-weighted' },
    ],
  },
  {
    defaultStrategy: 'round-robin', ringTimeoutSeconds: 10, ringNoAnswer: { agentState: null }, agingPointsPerSecond: 3,
    queues: [
      { id: 'cards', requiredSkills: [{ skill: 'cards', minProficiency: 1 }], strategy: 'least-occupied', whenFull: { action: 'overflow', queueId: 'general' }, maxLength: 3 },
      { id: 'general', requiredSkills: [] },
    ],
  },
];

interface Generated {
  readonly inputs: RoutingInput[];
}

/** A random but plausible sequence; it reacts to earlier decisions so answers and declines name real offers. */
function generate(seed: number, length: number): Generated {
  const random = prng(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const agents = ['a1', 'a2', 'a3', 'a4', 'a5', 'rm1'];
  const queues = ['cards', 'general', 'vip'];
  const state = initialState();
  const inputs: RoutingInput[] = [];
  const offers: { interactionId: string; agentId: string; offerId: string }[] = [];
  let seconds = 0;
  let version = 0;
  let calls = 0;
  const feed = (input: RoutingInput): void => {
    inputs.push(input);
    let decisions: RoutingDecision[];
    try {
      decisions = decide(input, state);
    } catch {
      return;
    }
    for (const d of decisions) if (d.type === 'InteractionOffered') offers.push({ interactionId: d.interactionId ?? '', agentId: d.data.agentId, offerId: d.data.offerId });
  };
  feed(ev.policy(policies[0], { version: ++version }));
  for (let i = 0; i < length; i++) {
    seconds += Math.floor(random() * 6);
    const roll = random();
    const agent = pick(agents);
    const skills = { cards: 1 + Math.floor(random() * 9), wealth: Math.floor(random() * 10), cantonese: Math.floor(random() * 3) };
    if (roll < 0.1) feed(ev.login(agent, skills, seconds));
    else if (roll < 0.25) feed(ev.state(agent, pick(['AVAILABLE', 'AVAILABLE', 'BUSY', 'BREAK', 'WRAP_UP'] as const), seconds));
    else if (roll < 0.28) feed(ev.logout(agent, seconds));
    else if (roll < 0.3) feed(ev.skills(agent, skills, seconds));
    else if (roll < 0.5) {
      const id = `c${++calls}`;
      const tier = pick(['STANDARD', 'STANDARD', 'PRIORITY', 'VIP'] as const);
      if (tier === 'VIP' && random() < 0.7) feed(ev.identified(id, 'VIP', 'rm1', seconds));
      feed(ev.queued(id, pick(queues), seconds, { tier, priority: Math.floor(random() * 3), skills: random() < 0.2 ? { cantonese: 2 } : {} }));
    } else if (roll < 0.62 && offers.length > 0) {
      const offer = pick(offers);
      const kind = random();
      if (kind < 0.6) feed(ev.answered(offer.interactionId, offer.agentId, offer.offerId, seconds));
      else if (kind < 0.8) feed(ev.declined(offer.interactionId, offer.agentId, offer.offerId, seconds));
      else feed(ev.timedOut(offer.interactionId, offer.agentId, offer.offerId, seconds));
    } else if (roll < 0.7) feed(ev.abandoned(`c${1 + Math.floor(random() * Math.max(calls, 1))}`, seconds));
    else if (roll < 0.75) feed(ev.ended(`c${1 + Math.floor(random() * Math.max(calls, 1))}`, seconds));
    else if (roll < 0.77) feed(ev.policy(pick(policies), { version: ++version, seconds, effectiveFromSeconds: seconds + Math.floor(random() * 30) }));
    else if (roll < 0.78) feed(ev.rawPolicy('{"queues": []}', { version: ++version, seconds }));
    else if (roll < 0.79) {
      feed(ev.policy({ ...pick(policies), stage: 'candidate', defaultStrategy: 'skill-weighted' }, { version: ++version, seconds }));
      feed(ev.cohort({ candidate: { policyId: 'routing', version }, percentage: 40 }, { version, seconds }));
    } else feed(ev.tick(seconds));
  }
  return { inputs };
}

/**
 * What must hold after every input: offers agree on both sides, queue lengths match the calls,
 * waiting calls sit in exactly one sub-queue, and no sub-queue has a waiting call and a free agent
 * who could take it (the agent not having rung it already).
 */
function invariantViolations(state: RoutingState): string[] {
  const broken: string[] = [];
  const lengths = new Map<string, number>();
  for (const call of state.calls.values()) {
    lengths.set(call.queueId, (lengths.get(call.queueId) ?? 0) + 1);
    if (call.offer) {
      const agent = state.agents.get(call.offer.agentId);
      if (agent && agent.offer?.offerId !== call.offer.offerId) broken.push(`${call.interactionId}: offered to ${call.offer.agentId}, who rings ${agent.offer?.offerId ?? 'nothing'}`);
      if (call.sub) broken.push(`${call.interactionId}: ringing and waiting at once`);
    }
    if (call.sub && !call.sub.calls.has(call)) broken.push(`${call.interactionId}: not in its sub-queue heap`);
    if (!call.offer && !call.sub && call.relationshipUntil === null) broken.push(`${call.interactionId}: neither ringing, waiting nor waiting for its relationship agent`);
  }
  for (const [queueId, length] of lengths) if (state.queueLengths.get(queueId) !== length) broken.push(`queue ${queueId}: length ${state.queueLengths.get(queueId)} for ${length} calls`);
  for (const [queueId, length] of state.queueLengths) if (lengths.get(queueId) !== length) broken.push(`queue ${queueId}: length ${length} for ${lengths.get(queueId) ?? 0} calls`);
  for (const agent of state.agents.values()) {
    if (agent.offer) {
      const call = state.calls.get(agent.offer.interactionId);
      if (call?.offer?.offerId !== agent.offer.offerId) broken.push(`${agent.id}: rings ${agent.offer.offerId}, which no call has`);
    }
    const free = agent.state === 'AVAILABLE' && agent.offer === null && agent.onCall === null;
    for (const sub of agent.indexedIn) if (!free) broken.push(`${agent.id}: indexed in ${sub.key} while not free`);
  }
  for (const sub of state.subQueues.values()) {
    for (const index of [sub.routable.CURRENT, sub.routable.CANDIDATE]) {
      for (const agent of index.values()) {
        const waiting = sub.calls.values().find((call) => !call.declinedBy.includes(agent.id));
        if (waiting) broken.push(`${sub.key}: ${waiting.interactionId} waits while ${agent.id} is free`);
      }
    }
  }
  return broken;
}

const codec = new EventCodec({ catalogue: catalogue(), registry: new InMemorySchemaRegistry() });

/** Decides the inputs (restoring from a snapshot before input `restartAt`, if given); returns every decision's bytes. */
async function decisionBytes(inputs: readonly RoutingInput[], restartAt?: number): Promise<string[]> {
  let state: RoutingState = initialState();
  const out: string[] = [];
  for (let offset = 0; offset < inputs.length; offset++) {
    if (offset === restartAt) state = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(state))) as RoutingSnapshot);
    const input = inputs[offset];
    let decisions: RoutingDecision[];
    try {
      decisions = decide(input, state);
    } catch (error) {
      out.push(`refused ${offset}: ${(error as Error).message}`);
      continue;
    }
    const record: LogRecord = { topic: 'ledger.routing.inputs', partition: 0, offset, key: 'sh', value: Buffer.alloc(0), headers: {}, timestamp: input.metadata.occurredAt };
    for (const r of await outputRecords(codec, routingComponent, '1', input, record, decisions)) out.push(`${r.topic} ${r.key} ${r.value.toString('hex')}`);
  }
  return out;
}

describe('routing decider replay', function () {
  this.timeout(60000);
  const seeds = Array.from({ length: 40 }, (_, i) => 1000 + i * 7919);

  it('decides random input sequences to the same bytes twice, and through a restart from a snapshot', async function () {
    let decisions = 0;
    let refusals = 0;
    for (const seed of seeds) {
      const { inputs } = generate(seed, 400);
      const first = await decisionBytes(inputs);
      expect(await decisionBytes(inputs), `seed ${seed}: second run`).to.deep.equal(first);
      const restartAt = 1 + (seed % (inputs.length - 1));
      expect(await decisionBytes(inputs, restartAt), `seed ${seed}: restart from a snapshot before input ${restartAt}`).to.deep.equal(first);
      decisions += first.filter((line) => !line.startsWith('refused')).length;
      refusals += first.length - first.filter((line) => !line.startsWith('refused')).length;
    }
    // The sequences exercise the decider: offers, timers and refusals all happen.
    expect(decisions).to.be.greaterThan(2000);
    expect(refusals).to.be.greaterThan(10);
  });

  it('keeps its invariants after every input of random sequences', function () {
    for (const seed of seeds.slice(0, 20)) {
      const { inputs } = generate(seed, 400);
      const state = initialState();
      inputs.forEach((input, index) => {
        try {
          decide(input, state);
        } catch {
          // refused: state unchanged
        }
        const broken = invariantViolations(state);
        expect(broken, `seed ${seed}, after input ${index} (${input.type})`).to.deep.equal([]);
      });
    }
  });

  it('restores from a snapshot at every point of one sequence', async function () {
    const { inputs } = generate(42, 250);
    const first = await decisionBytes(inputs);
    for (let restartAt = 1; restartAt < inputs.length; restartAt += 3) {
      expect(await decisionBytes(inputs, restartAt), `restart before input ${restartAt}`).to.deep.equal(first);
    }
  });
});

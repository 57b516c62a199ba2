// The routing processor and its sequencer as processor definitions for streams/runtime.
//
//   ledger.interactions ─┐
//   ledger.agents ───────┼─▶ routing-sequencer ─▶ ledger.routing.inputs (key = site) ─▶ routing ─▶ decisions
//   ledger.control ──────┘        ▲                        ▲
//                                 │ (routing's own outputs are not fed back)   RoutingClockTicked (ticker)
//
// The sequencer re-appends each routing input (same Avro bytes) keyed by the site it belongs to,
// atomically with its checkpoint, so each site has ONE ordered stream (one partition) and that
// recorded order is what the routing decider decided on, and what every replay sees.
import type { LedgerEventMap } from '../../schemas/generated/events.ts';
import type { InputEvent, ProcessorDefinition, ProcessorOutput } from '../runtime/processor.ts';
import { perSiteProcessor, type Sites } from '../runtime/per-site-processor.ts';
import {
  decide, fromSnapshot, initialState, routingComponent, routingInputTypes, toSnapshot,
  type RoutingInput, type RoutingSnapshot, type RoutingState,
} from './routing.decider.ts';

export const routingInputsTopic = 'ledger.routing.inputs';
export const routingVersion = '1';

/** Several sites may share a partition of ledger.routing.inputs: one decider state per site (the record key). */
export type RoutingSites = Sites<RoutingState>;

export const routingProcessor: ProcessorDefinition<RoutingSites, RoutingInput> = perSiteProcessor<RoutingState, RoutingInput, RoutingSnapshot>({
  name: 'streams.routing', component: routingComponent, version: routingVersion, inputTopic: routingInputsTopic, inputTypes: routingInputTypes,
  // The live path: offers must reach agents within tens of milliseconds (docs/routing.md, "Delivery").
  outputDelivery: 'at-least-once',
  initialState, decide, toSnapshot, fromSnapshot,
});

// ───────────────────────────── sequencer ─────────────────────────────

/** Which site each live interaction and logged-in agent belongs to (per input partition). */
export interface SequencerState {
  interactions: Map<string, string>;
  agents: Map<string, string>;
}

export class UnroutableInput extends Error {
  override readonly name = 'UnroutableInput';
  readonly retriable = false;
  readonly kind: 'unknown-interaction' | 'unknown-agent';

  constructor(kind: 'unknown-interaction' | 'unknown-agent', message: string) {
    super(message);
    this.kind = kind;
  }
}

const interactionInputs = new Set(['QueueEntered', 'CustomerIdentified', 'InteractionAnswered', 'OfferDeclined', 'OfferTimedOut', 'InteractionAbandoned', 'InteractionEnded']);
const agentInputs = new Set(['AgentLoggedOut', 'AgentStateChanged', 'AgentSkillsChanged']);
const sequencedTypes = new Set(['InteractionStarted', 'AgentLoggedIn', 'RoutingPolicyPublished', 'CohortPolicyPublished', ...interactionInputs, ...agentInputs]);

/** Events a late-arriving site cannot miss without harm: telephony reports about calls routing never saw. */
const quietWhenUnknown = new Set(['InteractionEnded', 'InteractionAbandoned', 'CustomerIdentified']);

/**
 * The sequencer: routing inputs from the three source topics onto one partition per site.
 * `sites` are the routing domains a control event (policy) is broadcast to; a policy document
 * may name its own `sites`.
 */
export function routingSequencer(sites: readonly string[]): ProcessorDefinition<SequencerState, InputEvent> {
  // The runner adds where the record came from (ledger_source), like on every processor output.
  const forward = (site: string): ProcessorOutput => ({ forward: { topic: routingInputsTopic, key: site } });
  return {
    name: 'streams.routing-sequencer',
    component: 'streams/routing-sequencer',
    version: routingVersion,
    inputTopics: ['ledger.interactions', 'ledger.agents', 'ledger.control'],
    outputDelivery: 'at-least-once',
    inputTypes: sequencedTypes,
    accept: (event) => (sequencedTypes.has(event.type) && event.metadata.producer.component !== routingComponent ? event : undefined),
    initialState: () => ({ interactions: new Map(), agents: new Map() }),
    decide(event, state) {
      const interactionId = event.metadata.interactionId ?? '';
      switch (event.type) {
        case 'InteractionStarted':
          state.interactions.set(interactionId, (event.data as LedgerEventMap['InteractionStarted']).site);
          return [];
        case 'AgentLoggedIn': {
          const data = event.data as LedgerEventMap['AgentLoggedIn'];
          state.agents.set(data.agentId, data.site);
          return [forward(data.site)];
        }
        case 'RoutingPolicyPublished':
        case 'CohortPolicyPublished': {
          const named = policySites((event.data as { document: string }).document);
          return (named ?? sites).map((site) => forward(site));
        }
      }
      if (interactionInputs.has(event.type)) {
        const site = state.interactions.get(interactionId);
        if (event.type === 'InteractionEnded') state.interactions.delete(interactionId);
        if (site === undefined) {
          if (quietWhenUnknown.has(event.type)) return [];
          throw new UnroutableInput('unknown-interaction', `${event.type}: metadata.interactionId: no InteractionStarted gave the site of interaction '${interactionId}' [unknown-interaction]`);
        }
        return [forward(site)];
      }
      const agentId = (event.data as { agentId: string }).agentId;
      const site = state.agents.get(agentId);
      if (event.type === 'AgentLoggedOut') state.agents.delete(agentId);
      if (site === undefined) {
        if (event.type === 'AgentStateChanged' && (event.data as LedgerEventMap['AgentStateChanged']).state === 'OFFLINE') return [];
        throw new UnroutableInput('unknown-agent', `${event.type}: agentId: agent '${agentId}' has not logged in at any site [unknown-agent]`);
      }
      return [forward(site)];
    },
    toSnapshot: (state) => ({ interactions: [...state.interactions.entries()], agents: [...state.agents.entries()] }),
    fromSnapshot: (snapshot) => {
      const s = snapshot as { interactions: [string, string][]; agents: [string, string][] };
      return { interactions: new Map(s.interactions), agents: new Map(s.agents) };
    },
  };
}

/** A policy document's own `sites`, if it names them (invalid documents go to every site and are refused there, visibly). */
function policySites(document: string): string[] | undefined {
  try {
    const parsed = JSON.parse(document) as { sites?: unknown };
    return Array.isArray(parsed.sites) && parsed.sites.every((s) => typeof s === 'string') ? (parsed.sites as string[]) : undefined;
  } catch {
    return undefined;
  }
}

// The dialer and its sequencer as processor definitions for streams/runtime, in the routing
// pattern (docs/routing.md "One ordered stream per routing domain"):
//
//   ledger.outbound ─────┐
//   ledger.agents ───────┼─▶ outbound-sequencer ─▶ ledger.outbound.inputs (key = site) ─▶ dialer ─▶ DialAttempted (ledger.outbound),
//   ledger.interactions ─┘                              ▲                                      InteractionStarted, CustomerIdentified,
//                                                       │ RoutingClockTicked (ticker, key = site)   QueueEntered (ledger.interactions)
//
// The sequencer re-appends each dialer input (same Avro bytes) keyed by the site it belongs to,
// atomically with its checkpoint, so a site's campaigns, agents, answers and ticks are decided in
// ONE recorded order, the order every replay sees.
import type { LedgerEventMap } from '../../schemas/generated/events.ts';
import type { InputEvent, ProcessorDefinition, ProcessorOutput } from '../runtime/processor.ts';
import { perSiteProcessor, type Sites } from '../runtime/per-site-processor.ts';
import {
  decide, dialerComponent, dialerInputTypes, fromSnapshot, initialState, toSnapshot,
  type DialerInput, type DialerSnapshot, type DialerState,
} from './dialer.decider.ts';

export const outboundInputsTopic = 'ledger.outbound.inputs';
export const dialerVersion = '1';

/** Several sites may share a partition of ledger.outbound.inputs: one dialer state per site (the record key). */
export type DialerSites = Sites<DialerState>;

export const dialerProcessor: ProcessorDefinition<DialerSites, DialerInput> = perSiteProcessor<DialerState, DialerInput, DialerSnapshot>({
  name: 'streams.outbound', component: dialerComponent, version: dialerVersion, inputTopic: outboundInputsTopic, inputTypes: dialerInputTypes,
  initialState, decide, toSnapshot, fromSnapshot,
});

// ───────────────────────────── sequencer ─────────────────────────────

/** Which site each campaign, logged-in agent and campaign call belongs to (per input partition). */
export interface OutboundSequencerState {
  campaigns: Map<string, string>;
  agents: Map<string, string>;
  calls: Map<string, string>;
}

export class UnplaceableCampaignInput extends Error {
  override readonly name = 'UnplaceableCampaignInput';
  readonly retriable = false;
  readonly kind = 'unknown-campaign';
}

const campaignInputs = new Set(['CampaignPaused', 'CampaignResumed', 'CampaignEnded', 'ContactScheduled', 'DialResult']);
const callInputs = new Set(['InteractionAnswered', 'InteractionAbandoned', 'InteractionEnded']);
const sequencedTypes = new Set(['CampaignStarted', 'InteractionStarted', 'AgentLoggedIn', 'AgentLoggedOut', 'AgentStateChanged', ...campaignInputs, ...callInputs]);

export const outboundSourceHeader = 'ledger_outbound_source';

export const outboundSequencer: ProcessorDefinition<OutboundSequencerState, InputEvent> = {
  name: 'streams.outbound-sequencer',
  component: 'streams/outbound-sequencer',
  version: dialerVersion,
  inputTopics: ['ledger.outbound', 'ledger.agents', 'ledger.interactions'],
  // The dialer's own interaction starts are read (they tell which calls are campaign calls), never forwarded.
  accept: (event) => (sequencedTypes.has(event.type) && (event.type === 'InteractionStarted' || event.metadata.producer.component !== dialerComponent) ? event : undefined),
  initialState: () => ({ campaigns: new Map(), agents: new Map(), calls: new Map() }),
  decide(event, state, source) {
    const forward = (site: string): ProcessorOutput[] => [{
      forward: { topic: outboundInputsTopic, key: site, headers: { [outboundSourceHeader]: `${source.topic}/${source.partition}/${source.offset}` } },
    }];
    const interactionId = event.metadata.interactionId ?? '';
    switch (event.type) {
      case 'CampaignStarted': {
        const data = event.data as LedgerEventMap['CampaignStarted'];
        const site = campaignSite(data.config) ?? state.campaigns.get(data.campaignId);
        // A document without a site cannot be placed; the dialer would refuse it anyway.
        if (site === undefined) throw new UnplaceableCampaignInput(`CampaignStarted: config.site: campaign '${data.campaignId}' names no site [required]`);
        state.campaigns.set(data.campaignId, site);
        return forward(site);
      }
      case 'InteractionStarted': {
        const data = event.data as LedgerEventMap['InteractionStarted'];
        if (data.campaignId !== null && event.metadata.producer.component === dialerComponent) state.calls.set(interactionId, data.site);
        return [];
      }
      case 'AgentLoggedIn': {
        const data = event.data as LedgerEventMap['AgentLoggedIn'];
        state.agents.set(data.agentId, data.site);
        return forward(data.site);
      }
      case 'AgentLoggedOut':
      case 'AgentStateChanged': {
        const agentId = (event.data as { agentId: string }).agentId;
        const site = state.agents.get(agentId);
        if (event.type === 'AgentLoggedOut') state.agents.delete(agentId);
        return site === undefined ? [] : forward(site); // the routing sequencer dead-letters agents that never logged in
      }
    }
    if (callInputs.has(event.type)) {
      const site = state.calls.get(interactionId);
      if (event.type === 'InteractionEnded') state.calls.delete(interactionId);
      return site === undefined ? [] : forward(site); // inbound calls are not the dialer's
    }
    const campaignId = (event.data as { campaignId: string }).campaignId;
    const site = state.campaigns.get(campaignId);
    if (site === undefined) throw new UnplaceableCampaignInput(`${event.type}: campaignId: no CampaignStarted placed campaign '${campaignId}' at a site [unknown-campaign]`);
    return forward(site);
  },
  toSnapshot: (state) => ({ campaigns: [...state.campaigns], agents: [...state.agents], calls: [...state.calls] }),
  fromSnapshot: (snapshot) => {
    const s = snapshot as { campaigns: [string, string][]; agents: [string, string][]; calls: [string, string][] };
    return { campaigns: new Map(s.campaigns), agents: new Map(s.agents), calls: new Map(s.calls) };
  },
};

function campaignSite(config: string): string | undefined {
  try {
    const site = (JSON.parse(config) as { site?: unknown }).site;
    return typeof site === 'string' && site.length > 0 ? site : undefined;
  } catch {
    return undefined;
  }
}

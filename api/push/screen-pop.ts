// The screen pop of an offered interaction, folded from the interaction's own events on the
// log (customer, tier, IVR path, intent, risk so far, ticket pre-fill) plus the customer's past
// contacts when the customer-history read model is there.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { Row } from '../queries/query-ports.ts';

export interface ScreenPop {
  readonly interactionId: string;
  readonly channel: string | null;
  readonly callerNumber: string | null;
  readonly customer: { readonly customerId: string; readonly name: string | null; readonly tier: string; readonly relationshipAgentId: string | null; readonly preferredLanguage: string | null } | null;
  readonly tier: string;
  readonly queueId: string | null;
  readonly intent: string | null;
  readonly ivrPath: readonly { readonly nodeId: string; readonly label: string | null; readonly depth: number; readonly at: number }[];
  readonly ivrExit: { readonly reason: string; readonly durationMs: number } | null;
  readonly voiceprint: { readonly result: string; readonly score: number } | null;
  readonly riskAlerts: readonly { readonly alertId: string; readonly kind: string; readonly severity: string; readonly description: string | null; readonly recommendedAction: string }[];
  readonly ticketPrefill: { readonly templateId: string; readonly intent: string | null; readonly fields: readonly { readonly name: string; readonly value: string }[] } | null;
  readonly offer: { readonly offerId: string; readonly agentId: string; readonly ringTimeoutMs: number; readonly at: number } | null;
  /** Past contacts; null when the customer-history read model is not available. */
  readonly history: readonly Row[] | null;
}

export function screenPopOf(interactionId: string, events: readonly AnyLedgerEvent[], history: readonly Row[] | null): ScreenPop {
  let pop: ScreenPop = {
    interactionId, channel: null, callerNumber: null, customer: null, tier: 'UNKNOWN', queueId: null, intent: null, ivrPath: [], ivrExit: null, voiceprint: null,
    riskAlerts: [], ticketPrefill: null, offer: null, history,
  };
  for (const e of events) {
    switch (e.type) {
      case 'InteractionStarted':
        pop = { ...pop, channel: e.data.channel, callerNumber: e.data.callerNumber };
        break;
      case 'CustomerIdentified':
        pop = {
          ...pop, tier: e.data.tier,
          customer: { customerId: e.data.customerId, name: e.data.customerName, tier: e.data.tier, relationshipAgentId: e.data.relationshipAgentId, preferredLanguage: e.data.preferredLanguage },
        };
        break;
      case 'IvrNodeEntered':
        pop = { ...pop, ivrPath: [...pop.ivrPath, { nodeId: e.data.nodeId, label: e.data.nodeLabel, depth: e.data.depth, at: e.metadata.occurredAt }] };
        break;
      case 'IvrExited':
        pop = { ...pop, ivrExit: { reason: e.data.reason, durationMs: e.data.durationMs }, intent: e.data.intent ?? pop.intent };
        break;
      case 'IvrInputReceived':
        pop = { ...pop, intent: e.data.intent ?? pop.intent };
        break;
      case 'QueueEntered':
        pop = { ...pop, queueId: e.data.queueId, intent: e.data.intent ?? pop.intent, tier: pop.tier === 'UNKNOWN' ? e.data.tier : pop.tier };
        break;
      case 'VoiceprintVerified':
        pop = { ...pop, voiceprint: { result: e.data.result, score: e.data.score } };
        break;
      case 'RiskAlertRaised':
        pop = { ...pop, riskAlerts: [...pop.riskAlerts, { alertId: e.data.alertId, kind: e.data.kind, severity: e.data.severity, description: e.data.description, recommendedAction: e.data.recommendedAction }] };
        break;
      case 'TicketFieldsExtracted':
        pop = { ...pop, ticketPrefill: { templateId: e.data.templateId, intent: e.data.intent, fields: e.data.fields.map((f) => ({ name: f.name, value: f.value })) } };
        break;
      case 'InteractionOffered':
        pop = { ...pop, offer: { offerId: e.data.offerId, agentId: e.data.agentId, ringTimeoutMs: e.data.ringTimeoutMs, at: e.metadata.occurredAt } };
        break;
      default:
        break;
    }
  }
  return pop;
}

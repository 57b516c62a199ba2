// What an agent's workstation is pushed: its own state changes; offers to it with the screen
// pop; then, for the calls it was offered or is on, call state, live transcript, risk alerts,
// suggested scripts, the ticket pre-fill and the summary. Personal fields are decrypted for the
// agent; the first decryption per call on this stream is recorded as a DataAccessed event.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { Principal } from '../http/auth.ts';
import type { AuditTrail } from '../ledger/audit-trail.ts';
import type { InteractionAccess } from '../ledger/interaction-access.ts';
import { historyFieldsRevealed } from '../queries/contact-summaries.ts';
import type { QueryPorts } from '../queries/query-ports.ts';
import type { DecodedRecord } from './push-hub.ts';
import { screenPopOf } from './screen-pop.ts';
import type { PushMessage, Select } from './sse-stream.ts';

const callEvents: Readonly<Record<string, string>> = {
  TranscriptSegmentRecognized: 'transcript', RiskAlertRaised: 'risk-alert', AgentAssistSuggested: 'script', TicketFieldsExtracted: 'ticket-fields',
  SummaryGenerated: 'summary', EmotionDetected: 'emotion', StepUpAuthenticationRequested: 'risk-alert', StepUpAuthenticationCompleted: 'risk-alert',
  SensitiveOperationBlocked: 'risk-alert', SensitiveOperationApproved: 'risk-alert', VoiceprintVerified: 'risk-alert',
  InteractionAnswered: 'call-state', InteractionHeld: 'call-state', InteractionResumed: 'call-state', InteractionTransferred: 'call-state',
  ConferenceStarted: 'call-state', InteractionEnded: 'call-ended', InteractionAbandoned: 'call-ended', WrapUpCompleted: 'call-state',
  OfferWithdrawn: 'offer-ended', OfferTimedOut: 'offer-ended', OfferDeclined: 'offer-ended',
};

function message(event: string, e: AnyLedgerEvent): PushMessage {
  return { event, data: { eventId: e.metadata.eventId, type: e.type, interactionId: e.metadata.interactionId, occurredAt: e.metadata.occurredAt, data: e.data } };
}

export function agentStreamSelect(options: {
  principal: Principal; access: InteractionAccess; audit: AuditTrail; queries: QueryPorts; requestId: string; agentsTopic: string;
  /** Calls the agent is on already (a page reloaded mid-call keeps receiving its transcript). */
  current?: readonly string[];
}): Select {
  const { principal, access, audit } = options;
  const agentId = principal.agentId ?? '';
  const mine = new Set<string>(options.current ?? []);
  const audited = new Set<string>();
  return async ({ record, event }: DecodedRecord) => {
    if (record.topic === options.agentsTopic) {
      if (!('agentId' in event.data) || event.data.agentId !== agentId) return [];
      if (event.type === 'AgentStateChanged' && event.data.interactionId) mine.add(event.data.interactionId);
      return [message('agent-state', event)];
    }
    const interactionId = event.metadata.interactionId;
    if (!interactionId) return [];
    if (event.type === 'InteractionOffered' && event.data.agentId === agentId) {
      mine.add(interactionId);
      const { events, customerId } = await access.read(principal, interactionId, { resource: 'push:/v1/agents/me/stream#offer', purpose: 'screen pop for an offered call', requestId: options.requestId });
      audited.add(interactionId);
      const history = customerId && options.queries.customerHistory ? await options.queries.customerHistory(customerId, 10, principal.role) : null;
      const revealed = historyFieldsRevealed(principal.role, history);
      if (revealed.length > 0) {
        await audit.record(principal, { resource: 'push:/v1/agents/me/stream#offer-history', action: 'READ', customerId, interactionId, purpose: 'screen pop for an offered call', outcome: 'ALLOWED', fieldsRevealed: revealed, requestId: options.requestId });
      }
      return [{ event: 'offer', data: { eventId: event.metadata.eventId, offerId: event.data.offerId, interactionId, ringTimeoutMs: event.data.ringTimeoutMs, screenPop: screenPopOf(interactionId, events, history) } }];
    }
    if (event.type === 'InteractionTransferred' && event.data.targetAgentId === agentId) mine.add(interactionId);
    if (!mine.has(interactionId)) return [];
    const kind = callEvents[event.type];
    if (!kind) return [];
    if ('agentId' in event.data && (event.type === 'AgentAssistSuggested' || kind === 'offer-ended') && event.data.agentId !== agentId) return [];
    const shown = await access.reveal(principal, [event]);
    if (shown.revealed.length > 0 && !audited.has(interactionId)) {
      audited.add(interactionId);
      await audit.record(principal, {
        resource: 'push:/v1/agents/me/stream', action: 'DECRYPT', customerId: null, interactionId, purpose: 'serving the call', outcome: 'ALLOWED', fieldsRevealed: shown.revealed, requestId: options.requestId,
      });
    }
    return [message(kind, shown.events[0])];
  };
}

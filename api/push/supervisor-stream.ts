// What a supervisor's wallboard is pushed: queue and call flow events (deltas the page folds
// into its counters), agent states, alerts (personal fields redacted) and system mode changes.
// The page loads GET /v1/wallboard/queues first, then applies these deltas.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import type { DecodedRecord } from './push-hub.ts';
import type { Select } from './sse-stream.ts';

const kinds: Readonly<Record<string, string>> = {
  QueueEntered: 'queue', RoutingDecided: 'queue', InteractionOffered: 'queue', OfferTimedOut: 'queue', OfferDeclined: 'queue', OfferWithdrawn: 'queue',
  InteractionAnswered: 'queue', InteractionAbandoned: 'queue', CallbackRequested: 'queue', InteractionEnded: 'queue', InteractionTransferred: 'queue',
  AgentLoggedIn: 'agent-state', AgentLoggedOut: 'agent-state', AgentStateChanged: 'agent-state',
  RiskAlertRaised: 'alert', SensitiveOperationBlocked: 'alert', SystemModeChanged: 'system-mode',
};

export function supervisorStreamSelect(codec: EventCodec, personalData: PersonalDataProtector): Select {
  return async ({ event }: DecodedRecord) => {
    const kind = kinds[event.type];
    if (!kind) return [];
    const definition = codec.catalogue.get(event.type);
    const shown: AnyLedgerEvent = definition.piiPaths.length > 0 ? personalData.redact(definition, event) : event;
    return [{ event: kind, data: { eventId: shown.metadata.eventId, type: shown.type, interactionId: shown.metadata.interactionId, occurredAt: shown.metadata.occurredAt, data: shown.data } }];
  };
}

// Reading an interaction's events for a person: the agent rule (an agent sees only the
// customers of calls offered to them, checked on the log: an InteractionOffered to that agent),
// per-role decryption of personal fields, and the DataAccessed audit event before the data
// leaves (refusals are audited too, as DENIED).
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import type { Principal } from '../http/auth.ts';
import { fail } from '../http/problem.ts';
import type { AuditTrail } from './audit-trail.ts';
import type { LedgerIo } from './ledger-io.ts';
import { showEvent } from './personal-fields.ts';

export interface InteractionAccess {
  readonly interactionsTopic: string;
  /** Raw (still encrypted) events of an interaction within the look-back. */
  events(interactionId: string): Promise<AnyLedgerEvent[]>;
  /** Events shown to the principal (decrypted or redacted), after the access check and the audit event. */
  read(principal: Principal, interactionId: string, access: { resource: string; purpose: string; requestId: string | null; action?: 'READ' | 'EXPORT' }): Promise<{ events: AnyLedgerEvent[]; customerId: string | null }>;
  reveal(principal: Principal, events: readonly AnyLedgerEvent[]): Promise<{ events: AnyLedgerEvent[]; revealed: string[] }>;
}

export function offeredTo(events: readonly AnyLedgerEvent[], agentId: string): boolean {
  return events.some((e) => (e.type === 'InteractionOffered' && e.data.agentId === agentId) || (e.type === 'InteractionTransferred' && e.data.targetAgentId === agentId));
}

export function customerOf(events: readonly AnyLedgerEvent[]): string | null {
  let customer: string | null = null;
  for (const e of events) if (e.type === 'CustomerIdentified') customer = e.data.customerId;
  return customer;
}

export function interactionAccess(options: { io: LedgerIo; codec: EventCodec; personalData: PersonalDataProtector; audit: AuditTrail; now: () => number; lookbackMs: number }): InteractionAccess {
  const { io, codec, personalData, audit } = options;
  const interactionsTopic = codec.catalogue.get('InteractionStarted').topic;
  const events = (interactionId: string) => io.readKey(interactionsTopic, interactionId, options.now() - options.lookbackMs);
  const reveal = async (principal: Principal, raw: readonly AnyLedgerEvent[]) => {
    const revealed = new Set<string>();
    const shown: AnyLedgerEvent[] = [];
    for (const e of raw) {
      const s = await showEvent(e, principal.role, codec, personalData);
      shown.push(s.event);
      for (const path of s.revealed) revealed.add(`${e.type}.${path}`);
    }
    return { events: shown, revealed: [...revealed] };
  };
  return {
    interactionsTopic,
    events,
    reveal,
    async read(principal, interactionId, access) {
      const raw = await events(interactionId);
      const customerId = customerOf(raw);
      if (raw.length === 0) fail('notFound', `No interaction ${interactionId} in the last ${Math.round(options.lookbackMs / 3_600_000)} h.`);
      if (principal.role === 'agent' && !offeredTo(raw, principal.agentId ?? '')) {
        await audit.record(principal, { resource: access.resource, action: 'READ', customerId, interactionId, purpose: access.purpose, outcome: 'DENIED', fieldsRevealed: [], requestId: access.requestId });
        fail('forbidden', `Interaction ${interactionId} was not offered to agent ${principal.agentId}.`);
      }
      const shown = await reveal(principal, raw);
      await audit.record(principal, {
        resource: access.resource, action: access.action ?? 'READ', customerId, interactionId, purpose: access.purpose, outcome: 'ALLOWED', fieldsRevealed: shown.revealed, requestId: access.requestId,
      });
      return { events: shown.events, customerId };
    },
  };
}

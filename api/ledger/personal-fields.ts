// Which roles see personal fields decrypted: the agent serving the call (only calls offered to
// them, checked by the routes) and compliance. Supervisors, analysts and ops see them redacted.
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import type { Role } from '../http/auth.ts';

export function mayReveal(role: Role): boolean {
  return role === 'agent' || role === 'compliance';
}

export interface Shown {
  readonly event: AnyLedgerEvent;
  /** Personal field paths decrypted for the reader (for the DataAccessed event). */
  readonly revealed: readonly string[];
}

export async function showEvent(event: AnyLedgerEvent, role: Role, codec: EventCodec, personalData: PersonalDataProtector): Promise<Shown> {
  const definition = codec.catalogue.get(event.type);
  if (definition.piiPaths.length === 0) return { event, revealed: [] };
  if (!mayReveal(role)) return { event: personalData.redact(definition, event), revealed: [] };
  return { event: await personalData.reveal(definition, event), revealed: definition.piiPaths };
}

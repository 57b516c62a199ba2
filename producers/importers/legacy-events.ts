// What both legacy importers share and keep pure: deterministic ids (UUIDv5), the envelope of a
// legacy event, the data subject of a legacy caller, and caller-number normalisation. No I/O,
// no clock: the same input gives the same events, byte for byte (recordedAt aside, which the
// appending adapter stamps).
import { createHash, hash as oneShotHash } from 'node:crypto';
import { uuidV5 } from '../../streams/runtime/uuid-v5.ts';
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';

/** The namespace of every legacy import id (a v5 id of the URL namespace). */
export const legacyNamespace = uuidV5('https://call-ledger/producers/importers', '6ba7b811-9dad-11d1-80b4-00c04fd430c8');

const namespaceBytes = Buffer.from(legacyNamespace.replace(/-/g, ''), 'hex');

/** A deterministic id (UUIDv5 in the legacy namespace): the same source and name give the same id on every import. */
export function legacyId(source: string, name: string): string {
  // One-shot hashing (no Hash object per id): the same bytes as update(namespace).update(name).
  const hash = oneShotHash('sha1', Buffer.concat([namespaceBytes, Buffer.from(`${source}\n${name}`, 'utf8')]), 'buffer');
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The interaction id of a legacy call: UUIDv5 of the source and the legacy call id. */
export function legacyInteractionId(source: string, callId: string): string {
  return legacyId(source, `call\n${callId}`);
}

/** `legacy:<name>`: the sourceSystem of every event an importer writes. */
export function legacySourceSystem(source: string): string {
  return `legacy:${source}`;
}

/** Source names end up in ids, headers and KPI dimensions: keep them short and plain. */
export function checkSourceName(source: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/i.test(source)) throw new Error(`--source: '${source}' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  return source;
}

const NO_NUMBER = new Set(['', 'anonymous', 'unknown', 'private', 'restricted', 'unavailable', 'none', 'null', 'asterisk']);

/** A caller number as the ledger stores it (trimmed, spaces and dashes removed), or null when the source says there is none. */
export function normaliseCallerNumber(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const value = raw.trim().replace(/^"[^"]*"\s*/, '').replace(/^<(.*)>$/, '$1').replace(/[\s\-().]/g, '');
  if (NO_NUMBER.has(value.toLowerCase())) return null;
  return value;
}

/**
 * The data subject of a legacy caller: `legacy-caller:<32 hex of SHA-256(salt, number)>`. One
 * caller's legacy calls share one data key, so `call-ledger erase legacy-caller:<hash>` shreds
 * all of them. The hash is a pseudonym, not anonymisation: with an empty salt anyone can hash a
 * candidate number; set a secret salt (--subject-salt) and keep it to find a caller's subject.
 */
export function legacyCallerSubject(number: string, salt = ''): string {
  return `legacy-caller:${createHash('sha256').update(`${salt}\n${number}`).digest('hex').slice(0, 32)}`;
}

export interface EnvelopeParts {
  readonly source: string;
  readonly component: string;
  readonly version: string;
}

/** A ledger event of a legacy source. recordedAt is occurredAt here; the appending adapter stamps the import time. */
export function legacyEvent<T extends LedgerEventType>(
  parts: EnvelopeParts, type: T, eventId: string, occurredAt: number, interactionId: string | null, dataSubject: string | null, data: LedgerEventMap[T],
): AnyLedgerEvent {
  return {
    type,
    metadata: {
      eventId, eventType: type, occurredAt, recordedAt: occurredAt, sourceSystem: legacySourceSystem(parts.source), interactionId,
      correlationId: null, causationId: null, producer: { component: parts.component, version: parts.version }, dataSubject,
    },
    data,
  } as AnyLedgerEvent;
}

// The audit trail's hash chain, written down so an auditor can recompute it without this code:
//   content(row) = the row's columns except prev_hash and hash, as a JSON object serialised by
//                  RFC 8785 (JSON Canonicalization Scheme): keys sorted, no whitespace, UTF-8;
//   h₀ = 32 zero bytes;  hᵢ = SHA-256(hᵢ₋₁ ‖ content(rowᵢ));  prev_hash = hex(hᵢ₋₁), hash = hex(hᵢ).
// Every content value is a string, null or the integer seq (`policy` and `detail` are themselves
// canonical JSON text, hashed as the stored string), so no number formatting is involved.
// A chain is the rows of one (subject, chain) pair in seq order; seq starts at 1 without gaps.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The hashed columns of an audit trail row. */
export interface AuditContent {
  readonly subject: string;
  readonly chain: string;
  readonly seq: number;
  readonly event_id: string;
  readonly event_type: string;
  readonly occurred_at: string;
  readonly kind: 'decision' | 'access';
  readonly interaction_id: string | null;
  readonly customer_id: string | null;
  readonly actor: string;
  readonly role: string | null;
  readonly policy: string | null;
  readonly purpose: string | null;
  readonly detail: string;
}

export interface AuditRow extends AuditContent {
  readonly prev_hash: string;
  readonly hash: string;
}

export const contentColumns: readonly (keyof AuditContent)[] = [
  'subject', 'chain', 'seq', 'event_id', 'event_type', 'occurred_at', 'kind', 'interaction_id', 'customer_id', 'actor', 'role', 'policy', 'purpose', 'detail',
];

/** RFC 8785 canonical JSON of JSON-compatible data (JavaScript's number and string serialisation is the one the RFC specifies). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no representation for ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no representation for a ${typeof value}`);
}

export function contentOf(row: AuditContent): AuditContent {
  const out: Record<string, unknown> = {};
  for (const column of contentColumns) out[column] = row[column];
  return out as unknown as AuditContent;
}

/** hᵢ (hex) from hᵢ₋₁ (hex) and the row's content. */
export function rowHash(previousHash: string, content: AuditContent): string {
  return createHash('sha256').update(Buffer.from(previousHash, 'hex')).update(canonicalJson(contentOf(content)), 'utf8').digest('hex');
}

export interface ChainBreak {
  readonly subject: string;
  readonly chain: string;
  /** The first row that does not verify (for a gap: the seq that was expected there). */
  readonly seq: number;
  readonly eventId: string | null;
  readonly reason: 'content-changed' | 'previous-hash-changed' | 'row-missing-or-reordered';
  readonly expected: string;
  readonly stored: string;
}

/**
 * Follows one chain row by row (rows in stored seq order) and returns its first break: a seq out
 * of sequence (a row deleted, or rows renumbered), a prev_hash that is not the previous row's
 * hash, or a hash that is not the hash of the row's content (a column edited).
 */
export class ChainVerifier {
  readonly subject: string;
  readonly chain: string;
  #previous = GENESIS_HASH;
  #seq = 0;
  #count = 0;
  #broken: ChainBreak | null = null;

  constructor(subject: string, chain: string) {
    this.subject = subject;
    this.chain = chain;
  }

  /** Rows seen so far. */
  get rows(): number {
    return this.#count;
  }

  get broken(): ChainBreak | null {
    return this.#broken;
  }

  /** Checks the next row; after the first break the rest of the chain is not judged. */
  next(row: AuditRow): void {
    this.#count += 1;
    if (this.#broken) return;
    const at = { subject: this.subject, chain: this.chain, eventId: row.event_id };
    if (row.seq !== this.#seq + 1) {
      this.#broken = { ...at, seq: this.#seq + 1, reason: 'row-missing-or-reordered', expected: `seq ${this.#seq + 1}`, stored: `seq ${row.seq}` };
      return;
    }
    if (row.prev_hash !== this.#previous) {
      this.#broken = { ...at, seq: row.seq, reason: 'previous-hash-changed', expected: this.#previous, stored: row.prev_hash };
      return;
    }
    const expected = rowHash(this.#previous, row);
    if (row.hash !== expected) {
      this.#broken = { ...at, seq: row.seq, reason: 'content-changed', expected, stored: row.hash };
      return;
    }
    this.#previous = row.hash;
    this.#seq = row.seq;
  }
}

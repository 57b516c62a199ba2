// Reading and verifying the audit trail through the stable view `<prefix>_read.audit_trail_entries`.
// Verification recomputes every chain of the selected subjects (audit-chain.ts) and names the first
// row of each chain that does not verify.
import type { Knex } from 'knex';
import { quoteIdent } from '../runtime/table-writer.ts';
import { ChainVerifier, type AuditRow, type ChainBreak } from './audit-chain.ts';

export type AuditSelector = { readonly interactionId: string } | { readonly customerId: string } | { readonly all: true };

export interface TrailVerification {
  readonly status: 'verified' | 'broken';
  readonly chains: number;
  readonly rows: number;
  /** The first break of every broken chain, in subject and chain order. */
  readonly breaks: readonly ChainBreak[];
}

/** Rows read per query when walking the whole trail (keyset pages). */
const PAGE = 10_000;

const view = (readSchema: string) => `${quoteIdent(readSchema)}.${quoteIdent('audit_trail_entries')}`;

/** The subjects a selector covers: an interaction; a customer's own subject and every interaction a row ties to the customer. */
async function subjectsOf(knex: Knex, readSchema: string, selector: Exclude<AuditSelector, { all: true }>): Promise<string[]> {
  if ('interactionId' in selector) return [`interaction:${selector.interactionId}`];
  const { rows } = await knex.raw<{ rows: { interaction_id: string }[] }>(
    `select distinct interaction_id from ${view(readSchema)} where customer_id = ? and interaction_id is not null`, [selector.customerId],
  );
  return [`customer:${selector.customerId}`, ...rows.map((r) => `interaction:${r.interaction_id}`)];
}

/** Rows of the selected subjects in chain order (subject, chain, seq), page by page. */
export async function* auditRows(knex: Knex, readSchema: string, selector: AuditSelector): AsyncGenerator<readonly AuditRow[]> {
  const subjects = 'all' in selector ? null : await subjectsOf(knex, readSchema, selector);
  let after: [string, string, number] | null = null;
  for (;;) {
    const bindings: Knex.RawBinding[] = [];
    const where: string[] = [];
    if (subjects) {
      where.push('subject = any(?)');
      bindings.push(subjects);
    }
    if (after) {
      where.push('(subject, chain, seq) > (?, ?, ?)');
      bindings.push(...after);
    }
    const { rows } = await knex.raw<{ rows: AuditRow[] }>(
      `select * from ${view(readSchema)} ${where.length > 0 ? `where ${where.join(' and ')}` : ''} order by subject, chain, seq limit ${PAGE}`, bindings,
    );
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1];
    after = [last.subject, last.chain, last.seq];
  }
}

/** Verifies rows given in chain order (subject, chain, seq); `onRow` sees every row on the way. */
export async function verifyRows(pages: AsyncIterable<readonly AuditRow[]>, onRow: (row: AuditRow) => void = () => undefined): Promise<TrailVerification> {
  const breaks: ChainBreak[] = [];
  let chains = 0;
  let rows = 0;
  let verifier: ChainVerifier | null = null;
  const close = () => {
    if (verifier?.broken) breaks.push(verifier.broken);
  };
  for await (const page of pages) {
    for (const row of page) {
      onRow(row);
      if (!verifier || verifier.subject !== row.subject || verifier.chain !== row.chain) {
        close();
        verifier = new ChainVerifier(row.subject, row.chain);
        chains += 1;
      }
      verifier.next(row);
      rows += 1;
    }
  }
  close();
  return { status: breaks.length === 0 ? 'verified' : 'broken', chains, rows, breaks };
}

export function verifyAuditTrail(knex: Knex, readSchema: string, selector: AuditSelector): Promise<TrailVerification> {
  return verifyRows(auditRows(knex, readSchema, selector));
}

/** An interaction's rows (every chain: its decisions, each actor's accesses) and their verification, from one read. */
export async function interactionAuditTrail(knex: Knex, readSchema: string, interactionId: string): Promise<{ entries: AuditRow[]; verification: TrailVerification }> {
  const entries: AuditRow[] = [];
  const verification = await verifyRows(auditRows(knex, readSchema, { interactionId }), (row) => entries.push(row));
  return { entries, verification };
}

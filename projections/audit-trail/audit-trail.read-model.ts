// Audit trail read model: one append-only table of hash-chained rows (audit-trail.projection.ts).
// The table refuses UPDATE, DELETE and TRUNCATE for every role by trigger (a superuser or the
// table's owner can still bypass it — that is what the hash chain and `call-ledger audit verify`
// are for); readers get SELECT on the `<prefix>_read` view only (docs/security.md).
import type { ReadModel } from '../runtime/read-model.ts';
import { quoteIdent } from '../runtime/table-writer.ts';
import { auditTrailLogic, type AuditTrailState } from './audit-trail.projection.ts';

export function auditTrailReadModel(): ReadModel<AuditTrailState> {
  return {
    ...auditTrailLogic,
    name: 'audit_trail',
    description: 'every decision with its inputs and policy version, and every access to customer data, in append-only hash chains per interaction (customer, actor)',
    topics: ['ledger.interactions', 'ledger.audit'],
    settings: {},
    tables: [{ name: 'entries', kind: 'state', key: ['subject', 'chain', 'seq'] }],
    migrations: [
      {
        name: '0001 entries, append-only',
        async up(knex, schema) {
          const s = quoteIdent(schema);
          await knex.raw(`create table ${s}.entries (
            subject text not null, chain text not null, seq int not null, event_id text not null, event_type text not null, occurred_at text not null,
            kind text not null, interaction_id text, customer_id text, actor text not null, role text, policy text, purpose text, detail text not null,
            prev_hash text not null, hash text not null, primary key (subject, chain, seq))`);
          await knex.raw(`create index on ${s}.entries (interaction_id)`);
          await knex.raw(`create index on ${s}.entries (customer_id)`);
          await knex.raw(`create function ${s}.refuse_audit_change() returns trigger language plpgsql as $$
            begin raise exception 'audit trail entries are append-only: % refused', tg_op using errcode = '42501'; end $$`);
          await knex.raw(`create trigger entries_append_only before update or delete on ${s}.entries for each row execute function ${s}.refuse_audit_change()`);
          await knex.raw(`create trigger entries_no_truncate before truncate on ${s}.entries for each statement execute function ${s}.refuse_audit_change()`);
          await knex.raw(`revoke update, delete, truncate on ${s}.entries from public`);
        },
      },
    ],
  };
}

// Customer history queries over the stable view: the screen pop's contacts in one statement (the
// latest contacts, the latest one on every channel, and every contact that left a ticket open),
// and a customer's interaction ids in a time range (the compliance timeline).
import type { Knex } from 'knex';
import { quoteIdent } from '../runtime/table-writer.ts';

export interface CustomerContact {
  readonly interactionId: string;
  readonly channel: string;
  readonly direction: string;
  readonly sourceSystem: string;
  readonly startedAt: number;
  readonly lastAt: number;
  readonly endedAt: number | null;
  readonly tier: string | null;
  readonly queueId: string | null;
  readonly intent: string | null;
  readonly outcome: string;
  readonly disposition: string | null;
  readonly agentId: string | null;
  /** As in the log: encrypted under `summarySubject`'s key (`pii:v1:…`); readers decrypt or redact it. */
  readonly summary: string | null;
  readonly summarySubject: string | null;
  readonly ticketId: string | null;
  readonly ticketTemplate: string | null;
  readonly ticketStatus: string | null;
  readonly followUpRequired: boolean;
  readonly riskFlags: readonly string[];
  readonly blockedOperations: readonly string[];
}

interface ContactRow {
  interaction_id: string; channel: string; direction: string; source_system: string; started_at: string; last_at: string; ended_at: string | null;
  tier: string | null; queue_id: string | null; intent: string | null; outcome: string; disposition: string | null; agent_id: string | null;
  summary: string | null; summary_subject: string | null; ticket_id: string | null; ticket_template: string | null; ticket_status: string | null;
  follow_up_required: boolean; risk_flags: string[]; blocked_operations: string[];
}

/**
 * The `limit` latest contacts of a customer, plus the latest on each channel and every contact
 * whose ticket was left open, newest first.
 */
export async function customerHistory(knex: Knex, readSchema: string, customerId: string, limit: number): Promise<CustomerContact[]> {
  const rows = (await knex.raw<{ rows: ContactRow[] }>(
    `select * from (
       select c.*, row_number() over (order by started_at desc, interaction_id desc) as recent_rank,
              row_number() over (partition by channel order by started_at desc, interaction_id desc) as channel_rank
       from ${quoteIdent(readSchema)}.customer_history_contacts c where customer_id = ?) ranked
     where recent_rank <= ? or channel_rank = 1 or ticket_status = 'OPEN'
     order by started_at desc, interaction_id desc`,
    [customerId, limit],
  )).rows;
  return rows.map((r) => ({
    interactionId: r.interaction_id, channel: r.channel, direction: r.direction, sourceSystem: r.source_system, startedAt: Number(r.started_at), lastAt: Number(r.last_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at), tier: r.tier, queueId: r.queue_id, intent: r.intent, outcome: r.outcome, disposition: r.disposition, agentId: r.agent_id,
    summary: r.summary, summarySubject: r.summary_subject, ticketId: r.ticket_id, ticketTemplate: r.ticket_template, ticketStatus: r.ticket_status,
    followUpRequired: r.follow_up_required, riskFlags: r.risk_flags, blockedOperations: r.blocked_operations,
  }));
}

/** Interactions of a customer that overlap [fromMs, toMs), oldest first. */
export async function customerInteractions(knex: Knex, readSchema: string, customerId: string, fromMs: number, toMs: number): Promise<string[]> {
  const rows = (await knex.raw<{ rows: { interaction_id: string }[] }>(
    `select interaction_id from ${quoteIdent(readSchema)}.customer_history_contacts
     where customer_id = ? and started_at < ? and last_at >= ? order by started_at, interaction_id`,
    [customerId, toMs, fromMs],
  )).rows;
  return rows.map((r) => r.interaction_id);
}

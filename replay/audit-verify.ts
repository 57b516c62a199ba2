// `call-ledger audit verify`: recomputes the audit trail's hash chains (projections/audit-trail)
// and cross-checks them against the log, so neither store can be altered alone:
//   - the trail: every chain of the selected subjects, first broken row named (audit-chain.ts);
//   - the log, per interaction: its events re-hashed against the latest seal (replay/timeline.ts:
//     bytes changed in the log, or an event gone), and the trail's rows matched to the logged
//     decisions and accesses by event id — a row deleted from the trail (even the last one of a
//     chain, which the chain itself cannot show) or a row with no event behind it.
// Logged events the trail has not projected yet (at or past its checkpoint) are counted as
// pending, not as missing.
import type { Knex } from 'knex';
import { auditRows, verifyAuditTrail, type AuditSelector, type TrailVerification } from '../projections/audit-trail/audit-trail.queries.ts';
import { decisionTypes } from '../projections/audit-trail/audit-trail.projection.ts';
import { auditTrailReadModel } from '../projections/audit-trail/audit-trail.read-model.ts';
import type { ProjectionStore } from '../projections/runtime/store.ts';
import { quoteIdent } from '../projections/runtime/table-writer.ts';
import type { EventCodec } from '../schemas/codec/event-codec.ts';
import type { ChainVerification, PostgresSealStore, TimelineBuilder } from './timeline.ts';

export interface AuditVerifySources {
  readonly knex: Knex;
  /** The projections' stable views (`<prefix>_read`). */
  readonly readSchema: string;
  readonly store: ProjectionStore;
  readonly codec: EventCodec;
  readonly timeline: TimelineBuilder;
  readonly seals: PostgresSealStore;
}

export interface LogCrossCheck {
  readonly interactionId: string;
  /** The interaction's log events against its latest seal. */
  readonly seal: ChainVerification;
  /** Logged decisions and accesses the trail has no row for (below its checkpoint). */
  readonly missingRows: readonly { readonly eventId: string; readonly type: string; readonly position: string }[];
  /** Trail rows whose event is not among the interaction's logged events. */
  readonly unloggedRows: readonly { readonly chain: string; readonly seq: number; readonly eventId: string }[];
  /** Logged decisions and accesses the trail has not reached yet. */
  readonly pending: number;
}

export interface AuditVerifyReport {
  readonly status: 'verified' | 'broken';
  readonly trail: TrailVerification;
  readonly log: readonly LogCrossCheck[];
}

const TRAIL = auditTrailReadModel().name;

/** The trail's checkpoints (`topic/partition` → next offset) in its current version. */
async function trailCheckpoints(sources: AuditVerifySources): Promise<Map<string, number>> {
  const version = (await sources.store.currentVersions([TRAIL])).get(TRAIL);
  if (version === undefined) throw new Error(`the ${TRAIL} read model is not built yet: run \`call-ledger projections rebuild ${TRAIL}\` (or \`call-ledger run\`), then verify`);
  const { rows } = await sources.knex.raw<{ rows: { topic: string; partition: number; next_offset: string }[] }>(
    `select topic, partition, next_offset from ${quoteIdent(sources.store.versionSchema(TRAIL, version))}.checkpoints where projection = ?`, [TRAIL],
  );
  return new Map(rows.map((r) => [`${r.topic}/${r.partition}`, Number(r.next_offset)]));
}

/** Interactions whose log is cross-checked: the one asked for; a customer's (from the log and the trail); every sealed one. */
async function interactionsOf(sources: AuditVerifySources, selector: AuditSelector): Promise<string[]> {
  if ('interactionId' in selector) return [selector.interactionId];
  if ('all' in selector) return sources.seals.sealedInteractions();
  const ids = new Set(await sources.timeline.interactionsOf(selector.customerId));
  for await (const page of auditRows(sources.knex, sources.readSchema, selector)) for (const row of page) if (row.interaction_id) ids.add(row.interaction_id);
  return [...ids].sort();
}

async function crossCheck(sources: AuditVerifySources, interactionId: string, chain: readonly { position: string; value: Buffer }[], checkpoints: Map<string, number>): Promise<LogCrossCheck> {
  const seal = await sources.seals.verify(interactionId, chain);
  const logged = new Map<string, { type: string; position: string; projected: boolean }>();
  for (const { position, value } of chain) {
    let event;
    try {
      event = await sources.codec.decode(value);
    } catch {
      continue; // bytes that no longer decode: the seal names the event
    }
    const [offset, partition, ...topic] = position.split('/').reverse();
    const checkpoint = checkpoints.get(`${topic.reverse().join('/')}/${partition}`) ?? 0;
    const audited = decisionTypes.has(event.type) || (event.type === 'DataAccessed' && (event.data as { interactionId: string | null }).interactionId === interactionId);
    logged.set(event.metadata.eventId, { type: audited ? event.type : '', position, projected: Number(offset) < checkpoint });
  }
  const rows = new Map<string, { chain: string; seq: number }>();
  for await (const page of auditRows(sources.knex, sources.readSchema, { interactionId })) for (const row of page) rows.set(row.event_id, { chain: row.chain, seq: row.seq });
  const missingRows: { eventId: string; type: string; position: string }[] = [];
  let pending = 0;
  for (const [eventId, e] of logged) {
    if (!e.type || rows.has(eventId)) continue;
    if (e.projected) missingRows.push({ eventId, type: e.type, position: e.position });
    else pending += 1;
  }
  const unloggedRows = [...rows].filter(([eventId]) => !logged.has(eventId)).map(([eventId, r]) => ({ ...r, eventId }));
  return { interactionId, seal, missingRows, unloggedRows, pending };
}

export async function verifyAudit(sources: AuditVerifySources, selector: AuditSelector): Promise<AuditVerifyReport> {
  const checkpoints = await trailCheckpoints(sources);
  const trail = await verifyAuditTrail(sources.knex, sources.readSchema, selector);
  const ids = await interactionsOf(sources, selector);
  const chains = await sources.timeline.rawChains(ids);
  const log: LogCrossCheck[] = [];
  for (const id of ids) log.push(await crossCheck(sources, id, chains.get(id) ?? [], checkpoints));
  const logBroken = log.some((c) => c.seal.status === 'altered' || c.missingRows.length > 0 || c.unloggedRows.length > 0);
  return { status: trail.status === 'verified' && !logBroken ? 'verified' : 'broken', trail, log };
}

/** One line per finding, for the terminal. */
export function describeReport(report: AuditVerifyReport): string[] {
  const lines = [`audit trail: ${report.trail.chains} chain(s), ${report.trail.rows} row(s), ${report.trail.status}`];
  for (const b of report.trail.breaks) lines.push(`BROKEN ${b.subject} ${b.chain} seq ${b.seq} (event ${b.eventId ?? '?'}): ${b.reason}; expected ${b.expected}, stored ${b.stored}`);
  for (const c of report.log) {
    const seal = c.seal.firstMismatch ? `${c.seal.status}: event ${c.seal.firstMismatch.seq} at ${c.seal.firstMismatch.position} ${c.seal.firstMismatch.reason}` : c.seal.status;
    lines.push(`log ${c.interactionId}: seal ${seal}; ${c.missingRows.length} row(s) missing, ${c.unloggedRows.length} row(s) without a logged event, ${c.pending} pending`);
    for (const m of c.missingRows) lines.push(`MISSING ROW interaction:${c.interactionId} for ${m.type} ${m.eventId} at ${m.position}`);
    for (const u of c.unloggedRows) lines.push(`UNLOGGED ROW interaction:${c.interactionId} ${u.chain} seq ${u.seq}: event ${u.eventId} is not in the log`);
  }
  return lines;
}

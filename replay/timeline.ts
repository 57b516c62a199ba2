// The compliance timeline of an interaction (or of every interaction of a customer): every event
// in log order with decoded fields (personal fields revealed for compliance, redacted for other
// roles), each decision with the policy or rule version that took it, a hash chain over the
// interaction's event bytes, and the decisions re-run from the recorded inputs:
//   - risk, QA and summary: the call processors' deciders (risk; QA and summary) over the
//     interaction's events on the interactions topic, with every rule version of the control topic
//     (versions apply by their effectiveFrom against each event's time, so loading them first is
//     what the processors did);
//   - routing: the decider's site stream (ledger.routing.inputs, one partition per site) replayed
//     from its start up to the interaction's last routing input or the last input that caused one
//     of its decisions, since a routing decision depends on every earlier call and agent state.
// Re-run decisions get the same deterministic ids (UUIDv5 of component, input id and position)
// as the recorded ones, so each is matched by id: "reproduced", or the exact difference (QA and
// summary decisions recorded before the call processor was split are matched by their ids then).
//
// Hash chain: h0 = 32 zero bytes, hᵢ = SHA-256(hᵢ₋₁ ‖ bytes of event i). A seal stores every hᵢ
// with the event's log position; verification recomputes them from the log and names the first
// event whose bytes changed (or that went missing).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { LedgerLog, LogRecord } from '../log/port.ts';
import type { DecodedEvent, EventCodec } from '../schemas/codec/event-codec.ts';
import type { EventTypeDefinition } from '../schemas/catalogue.ts';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import type { PersonalDataProtector } from '../schemas/pii/personal-data.ts';
import { causationHeader, decisionEvent } from '../streams/runtime/run-processor.ts';
import { SourceMarks } from '../streams/runtime/source-position.ts';
import type { InputSource, ProcessorOutput } from '../streams/runtime/processor.ts';
import { callProcessorReplays, callProcessorVersion, loadPolicies, riskProcessor } from '../streams/risk/call-processor.ts';
import { decisionId } from '../streams/runtime/uuid-v5.ts';
import { routingInputsTopic, routingProcessor, routingVersion } from '../streams/routing/routing.processor.ts';
import { routingComponent } from '../streams/routing/routing.decider.ts';

export type TimelineRole = 'compliance' | 'analyst';

export interface TimelineTopics {
  readonly interactions: string;
  readonly agents: string;
  readonly audit: string;
  readonly control: string;
  readonly routingInputs: string;
}

export const defaultTimelineTopics: TimelineTopics = {
  interactions: 'ledger.interactions', agents: 'ledger.agents', audit: 'ledger.audit', control: 'ledger.control', routingInputs: routingInputsTopic,
};

export interface TimelineSources {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly personalData: PersonalDataProtector;
  readonly topics?: TimelineTopics;
  /** Where seals live (verification); omit to skip verification. */
  readonly seals?: SealStore;
}

export interface TimelineEvent {
  readonly seq: number;
  /** topic/partition/offset */
  readonly position: string;
  readonly occurredAt: string;
  readonly type: string;
  readonly eventId: string;
  readonly sourceSystem: string;
  readonly producer: string;
  readonly causationId: string | null;
  readonly data: unknown;
  /** For decisions: the deciding component and the policy / rule / model version fields. */
  readonly decision?: { readonly component: string; readonly policy: Readonly<Record<string, unknown>> };
  /** Set when a personal field's ciphertext does not authenticate. */
  readonly integrity?: string;
  /** hᵢ of the chain (hex). */
  readonly hash: string;
  /**
   * Set on a live-path decision appended a second time after its processor crashed between the
   * append and its checkpoint (same id and content; docs/routing.md, "Delivery"): the position
   * of the original. Consumers dropped it; the chain keeps it because the log has it.
   */
  readonly repeatOf?: string;
}

export interface DecisionCheck {
  readonly eventId: string;
  readonly type: string;
  readonly component: string;
  readonly result: 'reproduced' | 'different' | 'not-reproduced' | 'not-recorded';
  /** Field paths with recorded and re-run values (different); the whole data otherwise. */
  readonly differences?: readonly { readonly path: string; readonly recorded: unknown; readonly rerun: unknown }[];
}

export interface ChainVerification {
  readonly status: 'verified' | 'altered' | 'unsealed';
  readonly sealedEvents?: number;
  /** First event (1-based) whose hash differs from the seal, with its position. */
  readonly firstMismatch?: { readonly seq: number; readonly position: string; readonly reason: 'bytes-changed' | 'missing' };
  /** Events logged after the seal (not covered by it). */
  readonly unsealedEvents?: number;
}

export interface InteractionTimeline {
  readonly interactionId: string;
  readonly role: TimelineRole;
  readonly events: readonly TimelineEvent[];
  readonly chain: { readonly head: string; readonly verification: ChainVerification };
  readonly replay: {
    readonly result: 'reproduced' | 'different';
    readonly decisions: readonly DecisionCheck[];
    /** Routing inputs replayed for the site stream (0 if the interaction was never routed). */
    readonly routingInputsReplayed: number;
    readonly site: string | null;
  };
}

interface Located {
  readonly record: LogRecord;
  readonly event: DecodedEvent;
}

const ZERO = Buffer.alloc(32);

export function chainHashes(values: readonly Buffer[]): string[] {
  let previous = ZERO;
  return values.map((value) => {
    previous = createHash('sha256').update(previous).update(value).digest();
    return previous.toString('hex');
  });
}

const positionOf = (record: Pick<LogRecord, 'topic' | 'partition' | 'offset'>) => `${record.topic}/${record.partition}/${record.offset}`;

const POLICY_FIELD = /^(policy|rules?|model|cohort)(Id|Version)?$/;

function policyFields(data: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof data === 'object' && data !== null) for (const [key, value] of Object.entries(data)) if (POLICY_FIELD.test(key)) out[key] = value;
  return out;
}

/**
 * The byte strings one of which a record must hold to be about one of `interactionIds`: the
 * envelope's interactionId travels as plain UTF-8 in the Avro bytes (metadata is never encrypted),
 * so a record without any of them cannot belong to those interactions and is not decoded.
 * Decoding every record of three topics was most of a timeline's time.
 */
function interactionIdBytes(interactionIds: Iterable<string>): Buffer[] {
  return [...interactionIds].map((id) => Buffer.from(id, 'utf8'));
}

/**
 * Records of a topic, decoded, that `keep` accepts; with `mustContain`, only records whose bytes
 * hold one of those byte strings are decoded (a pre-filter: `keep` still decides).
 */
async function scan(log: LedgerLog, codec: EventCodec, topic: string, keep: (event: DecodedEvent, record: LogRecord) => boolean, mustContain?: readonly Buffer[]): Promise<Located[]> {
  const exists = await log.describeTopic(topic).then(() => true, () => false);
  if (!exists) return [];
  const out: Located[] = [];
  for await (const batch of log.readRange({ topic, batchSize: 2000 })) {
    for (const record of batch) {
      if (mustContain && !mustContain.some((bytes) => record.value.includes(bytes))) continue;
      let event: DecodedEvent;
      try {
        event = await codec.decode(record.value);
      } catch {
        continue;
      }
      if (keep(event, record)) out.push({ record, event });
    }
  }
  return out;
}

/**
 * The records of `located` that repeat an earlier one by source position, with the original's
 * position. Exact on an interaction's subset of a partition: the original precedes its repeat in it.
 */
function repeatsOf(located: readonly Located[]): Map<Located, string> {
  const marks = new Map<string, SourceMarks>();
  const firstById = new Map<string, string>();
  const repeats = new Map<Located, string>();
  const inLogOrder = [...located].sort((a, b) => (a.record.topic < b.record.topic ? -1 : a.record.topic > b.record.topic ? 1 : 0) || a.record.partition - b.record.partition || a.record.offset - b.record.offset);
  for (const l of inLogOrder) {
    const key = `${l.record.topic}#${l.record.partition}`;
    if (!marks.has(key)) marks.set(key, new SourceMarks());
    if (marks.get(key)?.seenBefore(l.record.headers)) repeats.set(l, firstById.get(l.event.metadata.eventId) ?? 'unknown');
    else if (!firstById.has(l.event.metadata.eventId)) firstById.set(l.event.metadata.eventId, positionOf(l.record));
  }
  return repeats;
}

/** Event time, then log position (a decision has its input's time and comes after it in the log). */
function byLogOrder(a: Located, b: Located): number {
  return a.event.metadata.occurredAt - b.event.metadata.occurredAt || (a.record.topic < b.record.topic ? -1 : a.record.topic > b.record.topic ? 1 : 0)
    || a.record.partition - b.record.partition || a.record.offset - b.record.offset;
}

/** Personal fields in clear; a field whose ciphertext fails authentication (altered bytes) makes the event read redacted, flagged. */
async function revealOrFlag(personalData: PersonalDataProtector, definition: EventTypeDefinition, event: DecodedEvent): Promise<{ event: DecodedEvent; unreadable: boolean }> {
  try {
    return { event: await personalData.reveal(definition, event), unreadable: false };
  } catch {
    return { event: personalData.redact(definition, event), unreadable: true };
  }
}

function diff(recorded: unknown, rerun: unknown, path: string, out: { path: string; recorded: unknown; rerun: unknown }[]): void {
  if (Object.is(recorded, rerun)) return;
  if (typeof recorded === 'object' && typeof rerun === 'object' && recorded !== null && rerun !== null && !Buffer.isBuffer(recorded)) {
    const keys = new Set([...Object.keys(recorded), ...Object.keys(rerun)]);
    for (const key of keys) diff((recorded as Record<string, unknown>)[key], (rerun as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out);
    return;
  }
  if (JSON.stringify(recorded) !== JSON.stringify(rerun)) out.push({ path, recorded, rerun });
}

export class TimelineBuilder {
  private readonly sources: TimelineSources;
  private readonly topics: TimelineTopics;

  constructor(sources: TimelineSources) {
    this.sources = sources;
    this.topics = sources.topics ?? defaultTimelineTopics;
  }

  /** Interaction ids of a customer: those identified as the customer, or whose events carry the customer's data subject. */
  async interactionsOf(customerId: string): Promise<string[]> {
    const ids = new Set<string>();
    const subject = `customer:${customerId}`;
    await scan(this.sources.log, this.sources.codec, this.topics.interactions, (event) => {
      const id = event.metadata.interactionId;
      if (id && (event.metadata.dataSubject === subject || (event.type === 'CustomerIdentified' && (event.data as { customerId?: string }).customerId === customerId))) ids.add(id);
      return false;
    }, [Buffer.from(customerId, 'utf8')]); // both the data subject and CustomerIdentified's customerId (not personal) hold it in plain bytes
    return [...ids];
  }

  /** The events of each interaction, in timeline order, from one scan of the topics. */
  private async eventsOfAll(interactionIds: ReadonlySet<string>): Promise<Map<string, Located[]>> {
    const { log, codec } = this.sources;
    const keep = (event: DecodedEvent) => event.metadata.interactionId !== null && interactionIds.has(event.metadata.interactionId);
    const byInteraction = new Map<string, Located[]>([...interactionIds].map((id) => [id, []]));
    for (const topic of [this.topics.interactions, this.topics.agents, this.topics.audit]) {
      for (const located of await scan(log, codec, topic, keep, interactionIdBytes(interactionIds))) byInteraction.get(located.event.metadata.interactionId ?? '')?.push(located);
    }
    for (const located of byInteraction.values()) located.sort(byLogOrder);
    return byInteraction;
  }

  private async eventsOf(interactionId: string): Promise<Located[]> {
    return (await this.eventsOfAll(new Set([interactionId]))).get(interactionId) ?? [];
  }

  /** The interaction's events as chained: log position and bytes, in timeline order. */
  async rawChain(interactionId: string): Promise<{ position: string; value: Buffer }[]> {
    return (await this.rawChains([interactionId])).get(interactionId) ?? [];
  }

  /** The chains of several interactions from one scan of the topics. */
  async rawChains(interactionIds: readonly string[]): Promise<Map<string, { position: string; value: Buffer }[]>> {
    const all = await this.eventsOfAll(new Set(interactionIds));
    return new Map([...all].map(([id, located]) => [id, located.map((l) => ({ position: positionOf(l.record), value: l.record.value }))]));
  }

  async build(interactionId: string, role: TimelineRole): Promise<InteractionTimeline> {
    const { codec, personalData } = this.sources;
    const located = await this.eventsOf(interactionId);
    const hashes = chainHashes(located.map((l) => l.record.value));
    const repeats = repeatsOf(located);
    const events: TimelineEvent[] = [];
    for (const [i, l] of located.entries()) {
      const { record, event } = l;
      const repeatOf = repeats.get(l);
      const definition = codec.catalogue.get(event.type);
      const revealed = await revealOrFlag(personalData, definition, event);
      const shown = role === 'compliance' ? revealed.event : personalData.redact(definition, event);
      const component = event.metadata.producer.component;
      events.push({
        seq: i + 1,
        position: positionOf(record),
        occurredAt: new Date(event.metadata.occurredAt).toISOString(),
        type: event.type,
        eventId: event.metadata.eventId,
        sourceSystem: event.metadata.sourceSystem,
        producer: `${component}@${event.metadata.producer.version}`,
        causationId: event.metadata.causationId,
        data: shown.data,
        ...(component.startsWith('streams/') ? { decision: { component, policy: policyFields(event.data) } } : {}),
        ...(revealed.unreadable ? { integrity: 'a personal field failed authentication (altered bytes or wrong key)' } : {}),
        hash: hashes[i],
        ...(repeatOf !== undefined ? { repeatOf } : {}),
      });
    }
    const verification = this.sources.seals ? await this.sources.seals.verify(interactionId, located.map((l) => ({ position: positionOf(l.record), value: l.record.value }))) : { status: 'unsealed' as const };
    const replay = await this.rerun(interactionId, located.filter((l) => !repeats.has(l)));
    return { interactionId, role, events, chain: { head: hashes.at(-1) ?? ZERO.toString('hex'), verification }, replay };
  }

  /** Re-runs the deciders on the recorded inputs and matches their decisions to the recorded ones by id. */
  private async rerun(interactionId: string, located: readonly Located[]): Promise<InteractionTimeline['replay']> {
    const { log, codec, personalData } = this.sources;
    const expected = new Map<string, { type: string; component: string; data: unknown }>();

    // Risk, then QA and summary: each processor's deciders, ids in its own namespace. Decisions
    // recorded before the split of the call processor carry the ids the single processor gave
    // them: the risk namespace, QA and summary decisions positioned after the input's risk
    // decisions. Those ids are matched too (preSplit: id then → id now).
    const calls = callProcessorReplays();
    const riskDecisions = new Map<string, number>();
    const preSplit = new Map<string, string>();
    const hasControl = await log.describeTopic(this.topics.control).then(() => true, () => false);
    const inputs: { record: LogRecord; revealed: AnyLedgerEvent }[] = [];
    for (const { record, event } of located.filter((l) => l.record.topic === this.topics.interactions).sort((a, b) => a.record.partition - b.record.partition || a.record.offset - b.record.offset)) {
      inputs.push({ record, revealed: (await revealOrFlag(personalData, codec.catalogue.get(event.type), event)).event as unknown as AnyLedgerEvent });
    }
    for (const { kind, reactors, shared, definition } of calls) {
      if (hasControl) await loadPolicies(log, codec, reactors, shared, this.topics.control);
      const state = definition.initialState();
      for (const { record, revealed } of inputs) {
        let outputs: readonly ProcessorOutput[];
        try {
          outputs = definition.decide(revealed, state, sourceOf(record));
        } catch (error) {
          if ((error as { retriable?: unknown }).retriable === false) continue;
          throw error;
        }
        const inputId = revealed.metadata.eventId;
        if (kind === riskProcessor) riskDecisions.set(inputId, outputs.length);
        outputs.forEach((output, index) => {
          if ('forward' in output) return;
          const decided = decisionEvent(kind.component, callProcessorVersion, revealed, output, index);
          expected.set(decided.metadata.eventId, { type: decided.type, component: decided.metadata.producer.component, data: decided.data });
          if (kind !== riskProcessor) preSplit.set(decisionId(riskProcessor.component, inputId, (riskDecisions.get(inputId) ?? 0) + index), decided.metadata.eventId);
        });
      }
    }

    // Routing: the site's whole ordered stream up to this interaction's last routing input or decision cause.
    let site: string | null = null;
    let replayed = 0;
    const routed = await scan(log, codec, this.topics.routingInputs, (event) => event.metadata.interactionId === interactionId, interactionIdBytes([interactionId]));
    if (routed.length > 0) {
      site = routed[0].record.key;
      const partition = routed[0].record.partition;
      let last = Math.max(...routed.map((r) => r.record.offset));
      for (const { event, record } of located) {
        if (event.metadata.producer.component !== routingComponent) continue;
        const cause = record.headers[causationHeader]?.split('/');
        if (cause && cause.slice(0, -2).join('/') === this.topics.routingInputs && Number(cause.at(-2)) === partition) last = Math.max(last, Number(cause.at(-1)));
      }
      const sites = routingProcessor.initialState();
      const marks = new SourceMarks(); // the sequencer's repeats, dropped as routing drops them
      for await (const batch of log.readRange({ topic: this.topics.routingInputs, partitions: [partition], to: { offset: last + 1 }, batchSize: 2000 })) {
        for (const record of batch) {
          if (marks.seenBefore(record.headers) || record.key !== site) continue;
          const event = await codec.decode(record.value);
          const input = routingProcessor.accept(event);
          if (!input) continue;
          replayed++;
          let outputs: readonly ProcessorOutput[];
          try {
            outputs = routingProcessor.decide(input, sites, sourceOf(record));
          } catch (error) {
            if ((error as { retriable?: unknown }).retriable === false) continue;
            throw error;
          }
          outputs.forEach((output, index) => {
            if ('forward' in output || output.interactionId !== interactionId) return;
            const decided = decisionEvent(routingComponent, routingVersion, event, output, index);
            expected.set(decided.metadata.eventId, { type: decided.type, component: decided.metadata.producer.component, data: decided.data });
          });
        }
      }
    }

    const checks: DecisionCheck[] = [];
    const reproducible = new Set([...calls.flatMap((c) => c.reactors.map((r) => r.component)), routingComponent]);
    for (const { event } of located) {
      const component = event.metadata.producer.component;
      if (!reproducible.has(component)) continue;
      const id = expected.has(event.metadata.eventId) ? event.metadata.eventId : (preSplit.get(event.metadata.eventId) ?? event.metadata.eventId);
      const rerun = expected.get(id);
      expected.delete(id);
      if (!rerun) {
        checks.push({ eventId: event.metadata.eventId, type: event.type, component, result: 'not-reproduced' });
        continue;
      }
      const definition = codec.catalogue.get(event.type);
      const recorded = (await revealOrFlag(personalData, definition, event)).event.data;
      // The re-run data through the same Avro type, so defaults and nulls read as the recorded ones do.
      const normalised = rerun.type === event.type
        ? (definition.avroType.fromBuffer(definition.avroType.toBuffer({ metadata: event.metadata, data: rerun.data })) as { data: unknown }).data
        : rerun.data;
      const differences: { path: string; recorded: unknown; rerun: unknown }[] = [];
      if (rerun.type !== event.type) differences.push({ path: 'type', recorded: event.type, rerun: rerun.type });
      else diff(recorded, normalised, 'data', differences);
      checks.push(differences.length === 0
        ? { eventId: event.metadata.eventId, type: event.type, component, result: 'reproduced' }
        : { eventId: event.metadata.eventId, type: event.type, component, result: 'different', differences });
    }
    for (const [eventId, rerun] of expected) checks.push({ eventId, type: rerun.type, component: rerun.component, result: 'not-recorded', differences: [{ path: 'data', recorded: undefined, rerun: rerun.data }] });
    return { result: checks.every((c) => c.result === 'reproduced') ? 'reproduced' : 'different', decisions: checks, routingInputsReplayed: replayed, site };
  }
}

function sourceOf(record: LogRecord): InputSource {
  return { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, timestamp: record.timestamp };
}

// ───────────────────────────── seals ─────────────────────────────

export interface SealStore {
  seal(interactionId: string, events: readonly { position: string; value: Buffer }[]): Promise<{ events: number; head: string }>;
  verify(interactionId: string, events: readonly { position: string; value: Buffer }[]): Promise<ChainVerification>;
}

/** Seals in `<schema>.timeline_seals`: the chain of an interaction at the time it was sealed (the latest seal counts). */
export class PostgresSealStore implements SealStore {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly schema: string;

  constructor(pool: pg.Pool, schema: string) {
    if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`not a plain SQL identifier: ${schema}`);
    this.pool = pool;
    this.schema = `"${schema}"`;
    this.table = `${this.schema}.timeline_seals`;
  }

  async migrate(): Promise<void> {
    await this.pool.query(`create schema if not exists ${this.schema}`);
    await this.pool.query(`create table if not exists ${this.table} (
      interaction_id text not null, sealed_at timestamptz not null default clock_timestamp(), events int not null, head text not null,
      chain jsonb not null, primary key (interaction_id, sealed_at))`);
  }

  async seal(interactionId: string, events: readonly { position: string; value: Buffer }[]): Promise<{ events: number; head: string }> {
    const hashes = chainHashes(events.map((e) => e.value));
    const head = hashes.at(-1) ?? ZERO.toString('hex');
    await this.pool.query(`insert into ${this.table} (interaction_id, events, head, chain) values ($1, $2, $3, $4)`, [
      interactionId, events.length, head, JSON.stringify(events.map((e, i) => [e.position, hashes[i]])),
    ]);
    return { events: events.length, head };
  }

  /** Interactions with at least one seal. */
  async sealedInteractions(): Promise<string[]> {
    const { rows } = await this.pool.query<{ interaction_id: string }>(`select distinct interaction_id from ${this.table} order by interaction_id`);
    return rows.map((r) => r.interaction_id);
  }

  async verify(interactionId: string, events: readonly { position: string; value: Buffer }[]): Promise<ChainVerification> {
    const { rows } = await this.pool.query<{ chain: [string, string][] }>(`select chain from ${this.table} where interaction_id = $1 order by sealed_at desc limit 1`, [interactionId]);
    const sealed = rows[0]?.chain;
    if (!sealed) return { status: 'unsealed' };
    const hashes = chainHashes(events.map((e) => e.value));
    for (const [i, [position, hash]] of sealed.entries()) {
      if (events[i]?.position !== position) return { status: 'altered', sealedEvents: sealed.length, firstMismatch: { seq: i + 1, position, reason: 'missing' } };
      if (hashes[i] !== hash) return { status: 'altered', sealedEvents: sealed.length, firstMismatch: { seq: i + 1, position, reason: 'bytes-changed' } };
    }
    return { status: 'verified', sealedEvents: sealed.length, unsealedEvents: events.length - sealed.length };
  }
}

/** Seals an interaction's current chain (positions and hashes) for later verification. */
export async function sealInteraction(builder: TimelineBuilder, seals: SealStore, interactionId: string): Promise<{ events: number; head: string }> {
  return seals.seal(interactionId, await builder.rawChain(interactionId));
}

// ───────────────────────────── exports ─────────────────────────────

const CSV_COLUMNS = ['interaction', 'seq', 'position', 'occurredAt', 'type', 'eventId', 'sourceSystem', 'producer', 'causationId', 'decisionComponent', 'policy', 'data', 'hash'] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per event; the chain verification and the replay result as trailing comment-free summary rows. */
export function timelinesToCsv(timelines: readonly InteractionTimeline[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const t of timelines) {
    for (const e of t.events) {
      lines.push([t.interactionId, e.seq, e.position, e.occurredAt, e.type, e.eventId, e.sourceSystem, e.producer, e.causationId, e.decision?.component, e.decision ? e.decision.policy : '', e.data, e.hash].map(csvCell).join(','));
    }
  }
  lines.push('');
  lines.push('interaction,chainHead,chainVerification,firstMismatch,replayResult,decisionsReproduced,decisionsDifferent');
  for (const t of timelines) {
    const checks = t.replay.decisions;
    lines.push([t.interactionId, t.chain.head, t.chain.verification.status, t.chain.verification.firstMismatch ? `${t.chain.verification.firstMismatch.seq}@${t.chain.verification.firstMismatch.position}` : '', t.replay.result,
      checks.filter((c) => c.result === 'reproduced').length, checks.filter((c) => c.result !== 'reproduced').length].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

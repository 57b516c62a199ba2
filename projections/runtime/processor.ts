// Applies log records to a set of read-model versions, effectively once. Per batch (records of
// one topic partition, in offset order): skip what each read model's own checkpoint says it has
// applied, decode once, fold per entity (dropping duplicate event ids), then write each read
// model's rows, entity documents and checkpoint in ONE PostgreSQL transaction of its own (read
// models are independent: each has its own checkpoint, so they need not commit together, and
// their transactions run side by side on separate connections). The checkpoint update is a
// compare-and-set: if another worker moved it, nothing is written and the caches
// are dropped (ProjectionConflictError), so a stale worker can never apply a record twice.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { LogRecord } from '../../log/port.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import { schemaIdOf } from '../../schemas/codec/wire-format.ts';
import { ChangeSet } from './change-set.ts';
import { copyHeader, copyTrailer, documentColumns, encodeDocuments, type DocumentRow } from './document-copy.ts';
import { foldEntityless, foldIntoDocument, newDocument, type EntityDocument, type FoldOutcome } from './fold.ts';
import type { ReadModel } from './read-model.ts';
import { quoteIdent, writeChanges } from './table-writer.ts';

export interface ProcessorTarget {
  readonly model: ReadModel;
  /** The version schema this processor writes (e.g. proj_wallboard_v3). */
  readonly schema: string;
  /**
   * The version's entity documents are known to be empty (a fresh rebuild): documents this
   * processor never wrote need not be looked up. Forgotten after any failure.
   */
  readonly empty?: boolean;
}

export interface BatchResult {
  /** Records at or past some read model's checkpoint (the rest were redeliveries). */
  readonly records: number;
  readonly applied: number;
  readonly duplicates: number;
  readonly skippedBelowCheckpoint: number;
  readonly poison: number;
}

export class ProjectionConflictError extends Error {
  override readonly name = 'ProjectionConflictError';
  readonly retriable = true;
}

export interface ProcessorOptions {
  readonly knex: Knex;
  readonly codec: EventCodec;
  readonly targets: readonly ProcessorTarget[];
  /** A record that cannot be decoded (not retriable): reported and skipped, identically in every rebuild. */
  readonly onPoison?: (record: LogRecord, error: Error) => void;
  /**
   * Entity documents kept in memory between batches (per read model; default 50,000, some ten
   * thousand calls in progress and every agent); past it the least recently changed are dropped.
   */
  readonly maxCachedDocuments?: number;
}

interface TargetWrite {
  readonly target: TargetRuntime;
  readonly from: number;
  /**
   * The documents this batch changed that the version may already hold, as JSON arrays of
   * `{ key, state, recent_ids }` (at most DOCUMENTS_PER_STATEMENT each) to upsert. Serialised when
   * the batch is folded: the fold of the next batch updates the in-memory documents in place
   * while this one is being committed.
   */
  readonly documentsJson: readonly string[];
  /** Documents new to the version (a fresh one, or looked up and not found): binary COPY rows, or null. */
  readonly documentsCopy: Buffer | null;
  readonly changes: ChangeSet;
}

const DOCUMENTS_PER_STATEMENT = 20_000;

/** Read models committed at once (one connection each; the pool keeps one more for look-ups). */
const COMMIT_CONNECTIONS = 2;

/**
 * Records decoded or folded between two turns of the event loop. The commit of the previous
 * batch is a sequence of statements, each sent when the one before has answered: folding a whole
 * batch without a turn would leave PostgreSQL idle until the fold ends.
 */
const YIELD_EVERY = 500;

function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface PreparedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly end: number;
  readonly writes: readonly TargetWrite[];
  readonly result: BatchResult;
}

interface TargetRuntime {
  readonly model: ReadModel;
  readonly schema: string;
  readonly documents: Map<string, EntityDocument<unknown>>;
  readonly checkpoints: Map<string, number>;
  empty: boolean;
  /**
   * Keys of documents the version holds that were dropped from `documents` to bound memory
   * (meaningful while `empty`: documents in memory say it themselves, `stored`). Other keys are
   * new to the version: loaded with COPY, not looked up or upserted. Any failure resets it
   * together with `empty`.
   */
  readonly written: Set<string>;
  /** Every document of the version is in `documents` (a fresh version, nothing evicted): none to load. */
  complete: boolean;
}

/**
 * Records decoded and folded at a time in a fresh version: a chunk's decoded events are dropped
 * before the next is decoded, so they die young (a whole batch's survived several scavenges and
 * were copied into the old generation), and the nine read models fold them while they are still
 * in the CPU cache (a 2-million-event rebuild: 57–60k → 66–69k events/s).
 */
const FOLD_CHUNK = 2048;

/** One read model's part of a batch's fold (see #prepare). */
interface FoldRun {
  readonly target: TargetRuntime;
  readonly from: number;
  readonly changed: EntityDocument<unknown>[];
  readonly changes: ChangeSet;
}

/** A record's place in a read model's fold (see #prepare). */
const ENTITYLESS = 0;
type Slot = EntityDocument<unknown> | string | typeof ENTITYLESS | null;

function createDocument(target: TargetRuntime, key: string): EntityDocument<unknown> {
  const document = newDocument(key, target.model.initialState());
  target.documents.set(key, document);
  return document;
}

/**
 * Bounds the documents held in memory: past `limit`, drops the least recently changed until half
 * of it remain (a contact's documents stop changing minutes after it ends, an agent's keep
 * changing), so the heap (and the garbage collector's work) stays the size of the working set
 * however long the log. Only documents no commit still has to write go: last changed before
 * `committedThrough` (the fold whose commit is in flight, and later ones, stay). Evicted ones are
 * looked up again when an event needs them; in a fresh version `written` remembers which exist.
 */
function evictLeastRecentlyChanged(target: TargetRuntime, limit: number, committedThrough: number): void {
  if (target.documents.size <= limit) return;
  const perFold = new Map<number, number>();
  for (const document of target.documents.values()) perFold.set(document.changedIn, (perFold.get(document.changedIn) ?? 0) + 1);
  let excess = target.documents.size - Math.floor(limit / 2);
  let cutoff = -Infinity; // documents last changed at or before this fold go
  for (const fold of [...perFold.keys()].sort((a, b) => a - b)) {
    if (excess <= 0 || fold > committedThrough) break;
    cutoff = fold;
    excess -= perFold.get(fold) as number;
  }
  if (cutoff === -Infinity) return;
  for (const document of target.documents.values()) {
    if (document.changedIn > cutoff) continue;
    if (target.empty && document.stored) target.written.add(document.key);
    target.documents.delete(document.key);
  }
  target.complete = false;
}

export class ProjectionProcessor {
  readonly #knex: Knex;
  readonly #codec: EventCodec;
  readonly #targets: TargetRuntime[];
  readonly #onPoison: (record: LogRecord, error: Error) => void;
  readonly #maxCached: number;
  readonly #typeBySchemaId = new Map<number, string>();
  #inflight: Promise<void> | null = null;
  /** Numbers the folds, for documents to say in which one they last changed. */
  #folds = 0;

  constructor(options: ProcessorOptions) {
    this.#knex = options.knex;
    this.#codec = options.codec;
    this.#targets = options.targets.map((t) => ({ model: t.model, schema: t.schema, documents: new Map(), checkpoints: new Map(), empty: t.empty === true, written: new Set<string>(), complete: t.empty === true }));
    this.#onPoison = options.onPoison ?? ((record, error) => console.warn(`projection: skipping ${record.topic}/${record.partition}@${record.offset}: ${error.message}`));
    this.#maxCached = options.maxCachedDocuments ?? 50_000;
  }

  get targets(): readonly ProcessorTarget[] {
    return this.#targets.map((t) => ({ model: t.model, schema: t.schema }));
  }

  /** Drops every cache (after a failure or a conflict): the database is the truth. */
  reset(): void {
    for (const target of this.#targets) {
      target.documents.clear();
      target.checkpoints.clear();
      target.empty = false;
      target.written.clear();
      target.complete = false;
    }
  }

  /** The next offset a read model will apply for a partition (its own checkpoint). */
  async checkpoint(name: string, topic: string, partition: number): Promise<number> {
    const target = this.#targets.find((t) => t.model.name === name);
    if (!target) throw new Error(`unknown read model '${name}'`);
    return this.#checkpointOf(target, topic, partition);
  }

  /** The lowest checkpoint among the read models reading `topic`, for where to resume reading. */
  async lowestCheckpoint(topic: string, partition: number): Promise<number | null> {
    let lowest: number | null = null;
    for (const target of this.#targets) {
      if (!target.model.topics.includes(topic)) continue;
      const offset = await this.#checkpointOf(target, topic, partition);
      lowest = lowest === null ? offset : Math.min(lowest, offset);
    }
    return lowest;
  }

  async #checkpointOf(target: TargetRuntime, topic: string, partition: number): Promise<number> {
    const key = `${topic}\u0000${partition}`;
    const cached = target.checkpoints.get(key);
    if (cached !== undefined) return cached;
    const rows = await this.#knex.raw<{ rows: { next_offset: string }[] }>(
      `select next_offset from ${quoteIdent(target.schema)}.checkpoints where projection = ? and topic = ? and partition = ?`,
      [target.model.name, topic, partition],
    );
    const offset = rows.rows.length > 0 ? Number(rows.rows[0].next_offset) : 0;
    target.checkpoints.set(key, offset);
    return offset;
  }

  /** Applies one batch and commits it before resolving. */
  async process(records: readonly LogRecord[]): Promise<BatchResult> {
    await this.flush();
    try {
      const prepared = await this.#prepare(records);
      if (prepared.writes.length > 0) await this.#commit(prepared);
      return prepared.result;
    } catch (error) {
      this.reset();
      throw error;
    }
  }

  /**
   * Like process, but returns once the batch is folded, committing it while the caller reads
   * and folds the next one (one commit in flight; commits stay in order). `flush` waits for the
   * last commit; a failed commit is reported by the next call, after which the caches are reset.
   */
  async processPipelined(records: readonly LogRecord[]): Promise<BatchResult> {
    try {
      const prepared = await this.#prepare(records);
      await this.flush();
      if (prepared.writes.length > 0) {
        const commit = this.#commit(prepared);
        this.#inflight = commit;
        commit.catch(() => undefined);
      }
      return prepared.result;
    } catch (error) {
      await this.#inflight?.catch(() => undefined);
      this.#inflight = null;
      this.reset();
      throw error;
    }
  }

  /** The commit processPipelined left in flight, if any (its failure is still reported by flush). */
  get commitInFlight(): Promise<void> | null {
    return this.#inflight;
  }

  /** Waits for the commit in flight (rethrowing its failure). */
  async flush(): Promise<void> {
    const inflight = this.#inflight;
    if (!inflight) return;
    try {
      await inflight;
    } catch (error) {
      this.reset();
      throw error;
    } finally {
      if (this.#inflight === inflight) this.#inflight = null;
    }
  }

  async #prepare(records: readonly LogRecord[]): Promise<PreparedBatch> {
    const nothing = { records: 0, applied: 0, duplicates: 0, skippedBelowCheckpoint: records.length, poison: 0 };
    if (records.length === 0) return { topic: '', partition: 0, end: 0, writes: [], result: { ...nothing, skippedBelowCheckpoint: 0 } };
    const { topic, partition } = records[0];
    const end = records[records.length - 1].offset + 1;
    const active: { target: TargetRuntime; from: number }[] = [];
    for (const target of this.#targets) {
      if (!target.model.topics.includes(topic)) continue;
      let from = target.checkpoints.get(`${topic}\u0000${partition}`);
      if (from === undefined) {
        await this.flush(); // read committed state only
        from = await this.#checkpointOf(target, topic, partition);
      }
      if (from < end) active.push({ target, from });
    }
    if (active.length === 0) return { topic, partition, end, writes: [], result: nothing };
    const lowest = Math.min(...active.map((a) => a.from));
    const wanted = new Set<string>();
    for (const { target } of active) for (const type of target.model.eventTypes) wanted.add(type);

    // Per read model: the documents this batch changes (in the order first changed) and its merged row changes.
    const runs: FoldRun[] = [];
    for (const { target, from } of active) {
      // Folds up to this.#folds - 1 are committed: this one is not yet numbered, the one before may be in flight.
      evictLeastRecentlyChanged(target, this.#maxCached, this.#folds - 1);
      runs.push({ target, from, changed: [], changes: new ChangeSet(target.model.tables) });
    }
    const foldId = ++this.#folds;
    const outcome: FoldOutcome = { applied: 0, duplicates: 0, ignored: 0 };
    let poison = 0;
    let considered = 0;
    // Chunks only where documents are rarely looked up (a fresh version): elsewhere every new
    // entity is, and a look-up statement per chunk cost more PostgreSQL time than chunks save.
    const chunkSize = runs.every((run) => run.target.empty) ? FOLD_CHUNK : records.length;
    const events: (AnyLedgerEvent | null)[] = new Array(Math.min(chunkSize, records.length)).fill(null);
    // Per read model and record of the chunk: the entity document the record folds into (looked
    // up once), ENTITYLESS, the key of a document still to be loaded, or null (not for this read model).
    const slots: Slot[][] = runs.map(() => new Array<Slot>(events.length).fill(null));
    for (let start = 0; start < records.length; start += chunkSize) {
      const length = Math.min(chunkSize, records.length - start);
      // Decode once for every read model; records of types nobody wants are not decoded at all.
      for (let i = 0; i < length; i += 1) {
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToIo();
        events[i] = null;
        const record = records[start + i];
        if (record.offset < lowest) continue;
        considered += 1;
        try {
          const known = this.#typeBySchemaId.get(schemaIdOf(record.value));
          if (known !== undefined && !wanted.has(known)) continue;
          const decoded = known !== undefined ? this.#codec.decodeKnown(record.value) : await this.#codec.decode(record.value);
          this.#typeBySchemaId.set(decoded.schemaId, decoded.type);
          if (wanted.has(decoded.type)) events[i] = decoded as unknown as AnyLedgerEvent;
        } catch (error) {
          if ((error as { retriable?: boolean }).retriable !== false) throw error;
          poison += 1;
          this.#onPoison(record, error as Error);
        }
      }
      await this.#foldChunk(runs, records, start, length, events, slots, foldId, outcome);
    }

    const writes: TargetWrite[] = [];
    for (const { target, from, changed, changes } of runs) {
      const documentsJson: string[] = [];
      const fresh: DocumentRow[] = [];
      let part: { key: string; state: unknown; recent_ids: readonly string[] }[] = [];
      for (const document of changed) {
        if (!document.stored) {
          // Known to be new to the version (a fresh version, or looked up and not found): COPY.
          fresh.push({ key: document.key, state: document.state, recentIds: document.recentIds });
          document.stored = true; // optimistic: a failed commit drops every document
          continue;
        }
        part.push({ key: document.key, state: document.state, recent_ids: document.recentIds });
        if (part.length === DOCUMENTS_PER_STATEMENT) {
          documentsJson.push(JSON.stringify(part));
          part = [];
        }
      }
      if (part.length > 0) documentsJson.push(JSON.stringify(part));
      const documentsCopy = fresh.length > 0 ? encodeDocuments(fresh) : null;
      writes.push({ target, from, documentsJson, documentsCopy, changes });
      // Optimistic: the next batch of this partition starts here; a failed commit resets the caches.
      target.checkpoints.set(`${topic}\u0000${partition}`, end);
    }
    return { topic, partition, end, writes, result: { records: considered, applied: outcome.applied, duplicates: outcome.duplicates, skippedBelowCheckpoint: records.length - considered, poison } };
  }

  /**
   * Folds `length` decoded records (`events`, those of records[start…]) into every read model:
   * first each record's document per read model (looked up once; the ones missing from memory
   * loaded for all read models in one statement), then the fold, read model by read model.
   */
  async #foldChunk(runs: readonly FoldRun[], records: readonly LogRecord[], start: number, length: number, events: readonly (AnyLedgerEvent | null)[], slots: readonly Slot[][], foldId: number, outcome: FoldOutcome): Promise<void> {
    const loads: { target: TargetRuntime; keys: string[] }[] = [];
    runs.forEach(({ target, from }, r) => {
      const logic = target.model;
      const missing = new Set<string>();
      const modelSlots = slots[r];
      for (let i = 0; i < length; i += 1) {
        modelSlots[i] = null;
        const event = events[i];
        if (event === null || records[start + i].offset < from || !logic.eventTypes.has(event.type)) continue;
        const key = logic.keyOf(event);
        if (key === null) {
          modelSlots[i] = ENTITYLESS;
          continue;
        }
        const document = target.documents.get(key);
        if (document) modelSlots[i] = document;
        else if (!target.complete && (!target.empty || target.written.has(key))) {
          missing.add(key);
          modelSlots[i] = key;
        } else modelSlots[i] = createDocument(target, key);
      }
      if (missing.size > 0) loads.push({ target, keys: [...missing] });
    });
    // Loaded while the previous batch's commit may still be in flight, on another connection:
    // that commit writes only documents this processor holds in memory (every key it folded
    // stays in `documents` until its commit is done: evictions spare them, resets wait for it),
    // so a key missing here is not among them and its committed document is already the latest.
    if (loads.length > 0) {
      await this.#loadDocuments(loads);
      runs.forEach(({ target }, r) => {
        const modelSlots = slots[r];
        for (let i = 0; i < length; i += 1) {
          const slot = modelSlots[i];
          if (typeof slot === 'string') modelSlots[i] = target.documents.get(slot) ?? createDocument(target, slot);
        }
      });
    }
    for (let r = 0; r < runs.length; r += 1) {
      const { target, changed, changes } = runs[r];
      const logic = target.model;
      const modelSlots = slots[r];
      for (let i = 0; i < length; i += 1) {
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToIo();
        const slot = modelSlots[i];
        if (slot === null) continue;
        const event = events[i] as AnyLedgerEvent;
        if (slot === ENTITYLESS) foldEntityless(logic, changes, event, outcome);
        else if (foldIntoDocument(logic, slot as EntityDocument<unknown>, changes, event, outcome, foldId)) changed.push(slot as EntityDocument<unknown>);
      }
    }
  }

  async #commit(prepared: PreparedBatch): Promise<void> {
    // One transaction per read model (its rows, documents and checkpoint together), a few at a
    // time on separate connections, so PostgreSQL works on several while Node folds the next batch.
    // Every one settles before the batch counts as committed or failed: a reset must not reload
    // documents that a transaction still running is about to change.
    const queue = [...prepared.writes];
    const settled = await Promise.allSettled(Array.from({ length: Math.min(COMMIT_CONNECTIONS, queue.length) }, async () => {
      for (let write = queue.shift(); write !== undefined; write = queue.shift()) {
        const target = write;
        await this.#knex.transaction(async (trx) => {
          await this.#writeDocuments(trx, target.target, target.documentsJson, target.documentsCopy);
          await writeChanges(trx, target.target.schema, target.changes);
          await this.#advance(trx, target.target, prepared.topic, prepared.partition, target.from, prepared.end);
        });
      }
    }));
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The committed documents of every read model's missing keys, in one statement (one round trip). */
  async #loadDocuments(loads: readonly { target: TargetRuntime; keys: string[] }[]): Promise<void> {
    const sql = loads.map((load, i) => `select ${i}::int as target, key, state, recent_ids from ${quoteIdent(load.target.schema)}.entity_state where key = any(?)`).join(' union all ');
    const rows = await this.#knex.raw<{ rows: { target: number; key: string; state: unknown; recent_ids: string[] }[] }>(sql, loads.map((load) => load.keys));
    for (const row of rows.rows) loads[row.target].target.documents.set(row.key, newDocument(row.key, row.state, row.recent_ids, true));
  }

  async #writeDocuments(trx: Knex.Transaction, target: TargetRuntime, documentsJson: readonly string[], documentsCopy: Buffer | null): Promise<void> {
    const table = `${quoteIdent(target.schema)}.entity_state`;
    if (documentsCopy) {
      const client = (await trx.client.acquireConnection()) as pg.ClientBase;
      try {
        await pipeline(Readable.from([copyHeader(), documentsCopy, copyTrailer()]), client.query(copyFrom(`copy ${table} ${documentColumns} from stdin with (format binary)`)));
      } catch (error) {
        // A document this worker found missing was written meanwhile: another worker took over.
        if ((error as { code?: string }).code === '23505') throw new ProjectionConflictError(`${target.model.name}: an entity document appeared under this worker (${(error as Error).message})`);
        throw error;
      }
    }
    for (const json of documentsJson) {
      await trx.raw(
        `insert into ${table} (key, state, recent_ids) select key, state, recent_ids from json_populate_recordset(null::${table}, ?::json)
         on conflict (key) do update set state = excluded.state, recent_ids = excluded.recent_ids`,
        [json],
      );
    }
  }

  async #advance(trx: Knex.Transaction, target: TargetRuntime, topic: string, partition: number, expected: number, next: number): Promise<void> {
    const table = `${quoteIdent(target.schema)}.checkpoints`;
    const updated = await trx.raw<{ rowCount: number }>(
      `update ${table} set next_offset = ? where projection = ? and topic = ? and partition = ? and next_offset = ?`,
      [next, target.model.name, topic, partition, expected],
    );
    if (updated.rowCount === 1) return;
    if (expected === 0) {
      const inserted = await trx.raw<{ rowCount: number }>(
        `insert into ${table} (projection, topic, partition, next_offset) values (?, ?, ?, ?) on conflict do nothing`,
        [target.model.name, topic, partition, next],
      );
      if (inserted.rowCount === 1) return;
    }
    throw new ProjectionConflictError(`${target.model.name}: checkpoint of ${topic}/${partition} moved under this worker (expected ${expected})`);
  }
}

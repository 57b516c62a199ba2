// What a read model is, for the projection runtime: a pure part (keyOf, initialState, evolve
// turning events into row changes) and a declarative part (its tables and migrations). The
// runtime (projections/runtime/) does everything else: decoding, per-entity state, duplicate
// suppression, batching, the checkpoint in the same transaction, rebuilds and version swaps.
// See docs/projections.md for how to add one.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { Knex } from 'knex';

/** A row: column name → JSON-compatible value. */
export type Row = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

/**
 * A change to one row of a read-model table. The runtime merges all changes of a batch in
 * memory (last `put`/`remove` per key wins; `add` increments sum up) and writes each table with
 * one multi-row statement.
 */
export type RowChange =
  /** Replace the whole row with this key (every column given). State tables only. */
  | { readonly op: 'put'; readonly table: string; readonly row: Row }
  /** Delete the row with this key. State tables only. */
  | { readonly op: 'remove'; readonly table: string; readonly key: Row }
  /** Add to numeric columns of the row with this key (created at zero). Counter tables only. */
  | { readonly op: 'add'; readonly table: string; readonly key: Row; readonly values: Readonly<Record<string, number>> };

export interface TableSpec {
  readonly name: string;
  /**
   * `state`: rows are replaced (`put`) or deleted (`remove`).
   * `counter`: rows are only incremented (`add`); every non-key column is numeric and additive,
   * so partial sums from several batches (or several intervals) merge by addition.
   */
  readonly kind: 'state' | 'counter';
  /** Primary key columns. */
  readonly key: readonly string[];
}

export interface Migration {
  /** Unique within the read model; applied in array order, recorded in the version's schema. */
  readonly name: string;
  /** Creates or alters tables inside `schema` (the read model's versioned schema). */
  up(knex: Knex, schema: string): Promise<void>;
}

export interface Evolved<S> {
  readonly state: S;
  readonly changes: readonly RowChange[];
}

/**
 * The pure part of a read model. `evolve` sees the events of one entity (keyOf) in log order,
 * each at most once: the runtime drops redeliveries by offset and duplicates by event id. It
 * must not read the clock, the environment or any I/O (it runs again, identically, in a rebuild).
 */
export interface ReadModelLogic<S> {
  /** Event types it consumes; others are skipped without being decoded twice. */
  readonly eventTypes: ReadonlySet<string>;
  /**
   * The entity whose state an event updates (e.g. `interaction:<id>`, `agent:<id>`). Events of
   * one entity must come from one topic partition (the log's per-key order).
   */
  keyOf(event: AnyLedgerEvent): string | null;
  initialState(): S;
  evolve(state: S, event: AnyLedgerEvent): Evolved<S>;
}

export interface ReadModel<S = unknown> extends ReadModelLogic<S> {
  /** Lower-case identifier, e.g. `wallboard`: names its schemas (`<prefix>_<name>_v<N>`) and views. */
  readonly name: string;
  readonly description: string;
  /** Topics it reads. */
  readonly topics: readonly string[];
  readonly tables: readonly TableSpec[];
  readonly migrations: readonly Migration[];
  /**
   * Settings its evolve depends on (e.g. the service-level threshold). Recorded with each
   * version: a change is applied by a rebuild, never by mixing rows built under two settings.
   */
  readonly settings: Readonly<Record<string, string | number>>;
  /**
   * The non-core feature this read model serves (e.g. `analytics`): it is projected by a consumer
   * group of its own that pauses while the system mode sheds that feature (DEGRADED under load)
   * and catches up from the log afterwards. Absent: core, projected whatever the mode (live
   * queues). docs/operations.md, "Degrade under overload".
   */
  readonly sheddableFeature?: string;
}

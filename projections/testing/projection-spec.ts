// Given/when/then specifications for read models without a database, in Emmett's style. The
// events go through the runtime's own pure fold (per-entity documents, duplicate suppression,
// the change-set merge) into in-memory tables with the writer's semantics. `then` replays the
// whole history `numberOfTimes` (default 2) and checks after every replay, proving idempotency.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { ChangeSet, keyString } from '../runtime/change-set.ts';
import { foldEvent, type EntityDocument, type FoldOutcome } from '../runtime/fold.ts';
import type { ReadModelLogic, Row, TableSpec } from '../runtime/read-model.ts';

export class MemoryTables {
  readonly #specs: Map<string, TableSpec>;
  readonly #rows = new Map<string, Map<string, Record<string, unknown>>>();

  constructor(specs: readonly TableSpec[]) {
    this.#specs = new Map(specs.map((s) => [s.name, s]));
    for (const spec of specs) this.#rows.set(spec.name, new Map());
  }

  apply(changes: ChangeSet): void {
    for (const table of changes.tables()) {
      const rows = this.#rows.get(table.spec.name) as Map<string, Record<string, unknown>>;
      for (const [key, entry] of table.state) {
        if (entry.kind === 'put') rows.set(key, { ...entry.row });
        else rows.delete(key);
      }
      for (const [key, increment] of table.counters) {
        const row = rows.get(key) ?? {};
        for (const [column, value] of Object.entries(increment)) {
          row[column] = table.spec.key.includes(column) ? value : ((row[column] as number | undefined) ?? 0) + (value as number);
        }
        rows.set(key, row);
      }
    }
  }

  /** Rows of a table in key order. */
  rows(table: string): Record<string, unknown>[] {
    const rows = this.#rows.get(table);
    if (!rows) throw new Error(`unknown table '${table}'`);
    return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  }

  row(table: string, key: Row): Record<string, unknown> | undefined {
    const spec = this.#specs.get(table);
    if (!spec) throw new Error(`unknown table '${table}'`);
    return this.#rows.get(table)?.get(keyString(spec, key));
  }
}

export interface SpecModel<S> {
  readonly logic: ReadModelLogic<S>;
  readonly tables: readonly TableSpec[];
}

/** Folds events in batches of `batchSize` into fresh or given tables. */
export function project<S>(model: SpecModel<S>, events: readonly AnyLedgerEvent[], into?: { tables: MemoryTables; documents: Map<string, EntityDocument<S>> }, batchSize = 7): { tables: MemoryTables; documents: Map<string, EntityDocument<S>>; outcome: FoldOutcome } {
  const tables = into?.tables ?? new MemoryTables(model.tables);
  const documents = into?.documents ?? new Map<string, EntityDocument<S>>();
  const outcome: FoldOutcome = { applied: 0, duplicates: 0, ignored: 0 };
  const changes = new ChangeSet(model.tables);
  for (let i = 0; i < events.length; i += batchSize) {
    const dirty = new Set<string>();
    for (const event of events.slice(i, i + batchSize)) foldEvent(model.logic, documents, dirty, changes, event, outcome);
    tables.apply(changes);
    changes.clear();
  }
  return { tables, documents, outcome };
}

export function projectionSpec<S>(model: SpecModel<S>) {
  return {
    given(...given: (AnyLedgerEvent | readonly AnyLedgerEvent[])[]) {
      const history = given.flat() as AnyLedgerEvent[];
      return {
        when(...when: (AnyLedgerEvent | readonly AnyLedgerEvent[])[]) {
          const all = [...history, ...(when.flat() as AnyLedgerEvent[])];
          return {
            then(assert: (tables: MemoryTables) => void, options: { numberOfTimes?: number } = {}): void {
              const state = { tables: new MemoryTables(model.tables), documents: new Map<string, EntityDocument<S>>() };
              for (let time = 0; time < (options.numberOfTimes ?? 2); time += 1) {
                project(model, all, state);
                assert(state.tables);
              }
            },
          };
        },
      };
    },
  };
}

/** Interleaves several event streams (e.g. calls) in a different order, keeping each stream's own order. */
export function interleave(streams: readonly (readonly AnyLedgerEvent[])[], pick: (i: number) => number): AnyLedgerEvent[] {
  const cursors = streams.map(() => 0);
  const out: AnyLedgerEvent[] = [];
  let i = 0;
  while (out.length < streams.reduce((n, s) => n + s.length, 0)) {
    const open = streams.map((s, k) => k).filter((k) => cursors[k] < streams[k].length);
    const k = open[pick(i) % open.length];
    out.push(streams[k][cursors[k]]);
    cursors[k] += 1;
    i += 1;
  }
  return out;
}

// Merges the row changes of a batch in memory, per table and row key, so each table is written
// with one multi-row statement: the last `put`/`remove` of a key wins, `add`s are summed.
// Pure (no I/O): the PostgreSQL writer and the in-memory tables of the unit specs share it.
import type { Row, RowChange, TableSpec } from './read-model.ts';

export type StateEntry = { readonly kind: 'put'; readonly row: Row } | { readonly kind: 'remove'; readonly key: Row };

export interface TableChanges {
  readonly spec: TableSpec;
  /** State tables: the final put or remove per key. */
  readonly state: Map<string, StateEntry>;
  /** Counter tables: summed increments per key (key columns + numeric columns). */
  readonly counters: Map<string, Record<string, string | number | boolean | null | readonly string[]>>;
}

export class ChangeSetError extends Error {
  override readonly name = 'ChangeSetError';
}

export function keyString(spec: TableSpec, row: Row): string {
  if (spec.key.length === 1) {
    // The common single-column key: no concatenation.
    const value = row[spec.key[0]];
    if (typeof value === 'string') return value;
  }
  let text = '';
  for (const column of spec.key) {
    const value = row[column];
    if (value === undefined) throw new ChangeSetError(`${spec.name}: key column '${column}' missing`);
    if (typeof value === 'string') text += `${value}\u0000`;
    else if (typeof value === 'number') text += `${value}\u0001`; // as JSON.stringify writes a finite number
    else text += `${JSON.stringify(value)}\u0001`;
  }
  return text;
}

export class ChangeSet {
  readonly #tables = new Map<string, TableChanges>();
  #count = 0;

  constructor(specs: readonly TableSpec[]) {
    for (const spec of specs) this.#tables.set(spec.name, { spec, state: new Map(), counters: new Map() });
  }

  /** Number of changes applied since the last clear (before merging). */
  get count(): number {
    return this.#count;
  }

  apply(change: RowChange): void {
    const table = this.#tables.get(change.table);
    if (!table) throw new ChangeSetError(`unknown table '${change.table}'`);
    this.#count += 1;
    if (change.op === 'add') {
      if (table.spec.kind !== 'counter') throw new ChangeSetError(`${table.spec.name}: 'add' on a state table`);
      const key = keyString(table.spec, change.key);
      let row = table.counters.get(key);
      if (!row) {
        row = { ...change.key };
        table.counters.set(key, row);
      }
      const values = change.values;
      for (const column in values) row[column] = ((row[column] as number | undefined) ?? 0) + values[column];
      return;
    }
    if (table.spec.kind !== 'state') throw new ChangeSetError(`${table.spec.name}: '${change.op}' on a counter table`);
    if (change.op === 'put') table.state.set(keyString(table.spec, change.row), { kind: 'put', row: change.row });
    else table.state.set(keyString(table.spec, change.key), { kind: 'remove', key: change.key });
  }

  tables(): Iterable<TableChanges> {
    return this.#tables.values();
  }

  clear(): void {
    for (const table of this.#tables.values()) {
      table.state.clear();
      table.counters.clear();
    }
    this.#count = 0;
  }
}

// The thin table writer: turns a merged change set into one statement per table and kind,
// multi-row through json_populate_recordset (one JSON parameter, columns matched by name to the
// table's row type, so no per-column type lists to keep in sync with the migrations).
import type { Knex } from 'knex';
import type { ChangeSet, TableChanges } from './change-set.ts';
import type { Row } from './read-model.ts';

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe SQL identifier: '${name}'`);
  return `"${name}"`;
}

/** Rows per statement: keeps a statement's JSON parameter well under PostgreSQL's limits. */
const CHUNK = 20_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function columnsOf(rows: readonly Row[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) columns.add(column);
  return [...columns];
}

async function writeTable(trx: Knex.Transaction, schema: string, table: TableChanges): Promise<number> {
  const qualified = `${quoteIdent(schema)}.${quoteIdent(table.spec.name)}`;
  const keyList = table.spec.key.map(quoteIdent).join(', ');
  let statements = 0;
  if (table.spec.kind === 'state') {
    const removes: Row[] = [];
    const puts: Row[] = [];
    for (const entry of table.state.values()) (entry.kind === 'put' ? puts : removes).push(entry.kind === 'put' ? entry.row : entry.key);
    for (const part of chunks(removes)) {
      await trx.raw(
        `delete from ${qualified} t using json_populate_recordset(null::${qualified}, ?::json) r where ${table.spec.key.map((k) => `t.${quoteIdent(k)} = r.${quoteIdent(k)}`).join(' and ')}`,
        [JSON.stringify(part)],
      );
      statements += 1;
    }
    for (const part of chunks(puts)) {
      const columns = columnsOf(part);
      const list = columns.map(quoteIdent).join(', ');
      const updates = columns.filter((c) => !table.spec.key.includes(c)).map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`);
      await trx.raw(
        `insert into ${qualified} (${list}) select ${list} from json_populate_recordset(null::${qualified}, ?::json)
         on conflict (${keyList}) do ${updates.length > 0 ? `update set ${updates.join(', ')}` : 'nothing'}`,
        [JSON.stringify(part)],
      );
      statements += 1;
    }
    return statements;
  }
  const rows = [...table.counters.values()];
  // In key order: projection processes sharing a consumer group add to the same counter rows
  // (one interval of one queue gets calls from every partition) in transactions of their own,
  // and rows locked in the same order by all of them cannot deadlock. (Per statement: a live
  // batch's counter rows fit in one; a rebuild's version has no other writer.)
  for (const part of chunks(rows)) {
    const columns = columnsOf(part);
    const values = columns.filter((c) => !table.spec.key.includes(c));
    const list = columns.map(quoteIdent).join(', ');
    const selected = columns.map((c) => (values.includes(c) ? `coalesce(${quoteIdent(c)}, 0)` : quoteIdent(c))).join(', ');
    const updates = values.map((c) => `${quoteIdent(c)} = t.${quoteIdent(c)} + excluded.${quoteIdent(c)}`);
    await trx.raw(
      `insert into ${qualified} as t (${list}) select ${selected} from json_populate_recordset(null::${qualified}, ?::json) order by ${keyList}
       on conflict (${keyList}) do ${updates.length > 0 ? `update set ${updates.join(', ')}` : 'nothing'}`,
      [JSON.stringify(part)],
    );
    statements += 1;
  }
  return statements;
}

/** Writes every table's merged changes inside the caller's transaction. */
export async function writeChanges(trx: Knex.Transaction, schema: string, changes: ChangeSet): Promise<number> {
  let statements = 0;
  for (const table of changes.tables()) statements += await writeTable(trx, schema, table);
  return statements;
}

// The table writer against real PostgreSQL: counter rows are locked in key order, whatever order
// the batch added them in, so projection processes sharing a consumer group cannot deadlock.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { ChangeSet } from './change-set.ts';
import { openKnex } from './open-knex.ts';
import type { TableSpec } from './read-model.ts';
import { quoteIdent, writeChanges } from './table-writer.ts';

const counters: TableSpec = { name: 'calls', kind: 'counter', key: ['queue'] };

function adding(...queues: string[]): ChangeSet {
  const changes = new ChangeSet([counters]);
  for (const queue of queues) changes.apply({ op: 'add', table: 'calls', key: { queue }, values: { offered: 1 } });
  return changes;
}

/** Sessions waiting for a lock in a statement on `schema` (pg_stat_activity, not a timer). */
async function waitingSessions(knex: Knex, schema: string): Promise<number> {
  return Number((await knex.raw<{ rows: { n: string }[] }>(
    `select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and position(? in query) > 0`, [schema],
  )).rows[0].n);
}

describe('table writer (PostgreSQL)', () => {
  let knex: Knex;
  let schema: string;

  before(async () => {
    knex = openKnex(testDatabaseUrl(), 6);
    schema = `tw_${randomBytes(4).toString('hex')}`;
    await knex.raw(`create schema ${quoteIdent(schema)}`);
    await knex.raw(`create table ${quoteIdent(schema)}.calls (queue text primary key, offered bigint not null)`);
    await knex.raw(`insert into ${quoteIdent(schema)}.calls values ('a', 0), ('b', 0)`);
  });
  after(async () => {
    await knex.raw(`drop schema if exists ${quoteIdent(schema)} cascade`);
    await knex.destroy();
  });

  it('adds to counter rows in key order, so a writer of b alone is not held behind one waiting for a', async () => {
    const holder = await knex.transaction();
    await holder.raw(`update ${quoteIdent(schema)}.calls set offered = offered where queue = 'a'`); // holds row a
    // Added b first, then a: in batch order it would lock b and then wait for a, holding b.
    const blocked = knex.transaction((trx) => writeChanges(trx, schema, adding('b', 'a')));
    while ((await waitingSessions(knex, schema)) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // In key order it waits for a before touching b: b is free.
    let bWritten = false;
    const writerOfB = knex.transaction((trx) => writeChanges(trx, schema, adding('b'))).then(() => (bWritten = true));
    while (!bWritten && (await waitingSessions(knex, schema)) < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const bWasFree = bWritten;
    await holder.commit();
    await Promise.all([blocked, writerOfB]);
    expect(bWasFree, 'the writer of b finished while the other waited for a').to.equal(true);
    const rows = (await knex.raw<{ rows: { queue: string; offered: string }[] }>(`select queue, offered from ${quoteIdent(schema)}.calls order by queue`)).rows;
    expect(rows.map((r) => [r.queue, Number(r.offered)])).to.deep.equal([['a', 1], ['b', 2]]);
  });
});

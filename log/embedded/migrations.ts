// The embedded log's tables, created idempotently at open. Plain SQL: the tables are few and
// stable, and an advisory lock keeps two processes opening the same schema at once from racing
// on CREATE ... IF NOT EXISTS (which is not atomic in PostgreSQL).
import type { PoolClient } from 'pg';
import { quoteIdentifier } from './sql-identifiers.ts';

export function migrationSql(schema: string): string {
  const s = quoteIdentifier(schema);
  return `
create schema if not exists ${s};

create table if not exists ${s}.topics (
  name text primary key,
  partitions integer not null check (partitions > 0),
  config jsonb not null default '{}',
  created_at timestamptz not null default now()
);

-- One row per partition: the next offset to assign. Appends lock it (UPDATE ... RETURNING) for
-- the length of their transaction, so offsets are gapless and ordered by commit.
create table if not exists ${s}.partition_heads (
  topic text not null references ${s}.topics (name),
  partition integer not null,
  next_offset bigint not null default 0,
  primary key (topic, partition)
);

create table if not exists ${s}.events (
  topic text not null,
  partition integer not null,
  "offset" bigint not null,
  key text,
  -- json, not jsonb: header values are arbitrary strings and jsonb refuses U+0000.
  headers json not null default '{}',
  value bytea not null,
  "timestamp" bigint not null,
  primary key (topic, partition, "offset")
);
create index if not exists events_by_time on ${s}.events (topic, partition, "timestamp");

-- Next offset to read per group, topic and partition; advanced by compare-and-set.
create table if not exists ${s}.checkpoints (
  group_id text not null,
  topic text not null,
  partition integer not null,
  next_offset bigint not null,
  updated_at timestamptz not null default now(),
  primary key (group_id, topic, partition)
);

create table if not exists ${s}.group_members (
  group_id text not null,
  member_id text not null,
  expires_at timestamptz not null,
  primary key (group_id, member_id)
);

create table if not exists ${s}.partition_leases (
  group_id text not null,
  topic text not null,
  partition integer not null,
  member_id text not null,
  expires_at timestamptz not null,
  primary key (group_id, topic, partition)
);

-- The codec's schema registry in embedded mode.
create table if not exists ${s}.schemas (
  id serial primary key,
  subject text not null,
  schema text not null,
  fingerprint text not null,
  unique (subject, fingerprint)
);
`;
}

export async function migrate(client: PoolClient, schema: string): Promise<void> {
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`call-ledger-migrate:${schema}`]);
    await client.query(migrationSql(schema));
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { defineLogContract } from '../contract/log-contract.ts';
import { EmbeddedLog } from './embedded-log.ts';

// Tests use the `test` database and a fresh schema per run, dropped at the end.
const databaseUrl = process.env.LEDGER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('embedded log (PostgreSQL)', () => {
  const schema = `log_test_${randomBytes(4).toString('hex')}`;

  after(async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  defineLogContract('passes the log contract', {
    makeLog: () => EmbeddedLog.open({ connectionString: databaseUrl, schema, sessionTimeoutMs: 3000, heartbeatMs: 300 }),
    childEnv: () => ({ LEDGER_LOG: 'embedded', LEDGER_DATABASE_URL: databaseUrl, LEDGER_DB_SCHEMA: schema }),
  });
});

// The PostgreSQL that tests use: LEDGER_TEST_DATABASE_URL, or the machine's local server.
export function testDatabaseUrl(): string {
  return process.env.LEDGER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

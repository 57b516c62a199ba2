import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { EmbeddedLog } from './embedded-log.ts';
import { EmbeddedSchemaRegistry, SchemaIdConflictError, UnknownSchemaError } from './embedded-schema-registry.ts';

const databaseUrl = process.env.LEDGER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('embedded schema registry', () => {
  const schema = `registry_test_${randomBytes(4).toString('hex')}`;
  let log: EmbeddedLog;
  let registry: EmbeddedSchemaRegistry;
  const answered = JSON.stringify({ type: 'record', name: 'InteractionAnswered', fields: [{ name: 'id', type: 'string' }] });

  before(async () => {
    log = await EmbeddedLog.open({ connectionString: databaseUrl, schema });
    registry = new EmbeddedSchemaRegistry(log.pool, schema);
  });

  after(async () => {
    await log.pool.query(`drop schema "${schema}" cascade`);
    await log.close();
  });

  describe('when a schema is registered twice under one subject', () => {
    it('returns the same id, whatever the JSON layout', async () => {
      const first = await registry.register('ledger.interactions-value', answered);
      const again = await registry.register('ledger.interactions-value', JSON.stringify(JSON.parse(answered), null, 2));
      expect(again).to.equal(first);
      expect(JSON.parse(await registry.schemaText(first))).to.deep.equal(JSON.parse(answered));
    });
  });

  describe('when the same schema is registered under another subject, or a new schema under the same subject', () => {
    it('gives each a new id', async () => {
      const first = await registry.register('a-value', answered);
      const otherSubject = await registry.register('b-value', answered);
      const evolved = await registry.register('a-value', JSON.stringify({ ...JSON.parse(answered), doc: 'v2' }));
      expect(new Set([first, otherSubject, evolved]).size).to.equal(3);
    });
  });

  describe('when schemas are imported with their ids from another registry', () => {
    const otherSchema = `registry_other_${randomBytes(4).toString('hex')}`;
    let other: EmbeddedLog;

    before(async () => {
      other = await EmbeddedLog.open({ connectionString: databaseUrl, schema: otherSchema });
    });

    after(async () => {
      await other.pool.query(`drop schema "${otherSchema}" cascade`);
      await other.close();
    });

    it('keeps the ids, is idempotent, and new registrations get fresh ids', async () => {
      const target = new EmbeddedSchemaRegistry(other.pool, otherSchema);
      await target.register('unrelated-value', JSON.stringify({ type: 'string' }));
      const exported = (await registry.all()).filter((entry) => entry.id > 1);
      await target.importWithIds(exported);
      await target.importWithIds(exported);
      for (const entry of exported) expect(await target.schemaText(entry.id)).to.equal(entry.schema);
      const fresh = await target.register('new-value', JSON.stringify({ type: 'long' }));
      expect(exported.map((entry) => entry.id)).to.not.include(fresh);
    });

    it('refuses an id taken by another schema', async () => {
      const target = new EmbeddedSchemaRegistry(other.pool, otherSchema);
      let failure: unknown;
      await target.importWithIds([{ id: 1, subject: 'clash-value', schema: JSON.stringify({ type: 'int' }) }]).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(SchemaIdConflictError);
    });
  });

  describe('when an id is unknown', () => {
    it('fails with UnknownSchemaError', async () => {
      let failure: unknown;
      await registry.schemaText(987_654).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(UnknownSchemaError);
    });
  });
});

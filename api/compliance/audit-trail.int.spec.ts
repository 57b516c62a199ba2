// The compliance audit-trail route through a real server: the audit_trail read model rebuilt from
// the API's own embedded log into real PostgreSQL, verified chains for a compliance officer, the
// read itself audited, refusals for other roles, and a tampered row named in the response.
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import pg from 'pg';
import request from 'supertest';
import { auditTrailReadModel } from '../../projections/audit-trail/audit-trail.read-model.ts';
import { openKnex } from '../../projections/runtime/open-knex.ts';
import { rebuild } from '../../projections/runtime/rebuild.ts';
import { ProjectionStore } from '../../projections/runtime/store.ts';
import { quoteIdent } from '../../projections/runtime/table-writer.ts';
import { sampleEvent } from '../../schemas/fixtures/samples.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { openTestApi, type TestApi } from '../../test/support/api-harness.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { projectionQueries } from '../queries/projection-queries.ts';

describe('compliance audit trail (real server, embedded log, real read model)', function () {
  this.timeout(120_000);
  let t: TestApi;
  let knex: Knex;
  let store: ProjectionStore;
  let http: ReturnType<typeof request>;
  const prefix = `pa_${randomBytes(4).toString('hex')}`;
  const interactionId = `ix-${randomUUID()}`;

  // Each decision as its decider signs it (producer.component), whichever processor ran the decider.
  const deciders = { RoutingDecided: 'streams/routing', RiskAlertRaised: 'streams/risk', QaScoreComputed: 'streams/qa' } as const;

  function decision(type: keyof typeof deciders, seconds: number): AnyLedgerEvent {
    const sample = sampleEvent(type);
    return { ...sample, metadata: { ...sample.metadata, eventId: randomUUID(), interactionId, occurredAt: Date.UTC(2026, 10, 26, 2, 0, seconds), producer: { component: deciders[type], version: '3' } } } as AnyLedgerEvent;
  }

  async function rebuildTrail(): Promise<void> {
    await rebuild({ knex, log: t.ledger.log, codec: t.ledger.codec, store, models: [auditTrailReadModel()] });
  }

  before(async () => {
    knex = openKnex(testDatabaseUrl());
    store = new ProjectionStore(knex, prefix);
    t = await openTestApi({ queries: (ledger) => projectionQueries(knex, store.readSchema, { personalData: ledger.personalData, catalogue: ledger.codec.catalogue }) });
    http = request(t.api.url);
    const events = [decision('RoutingDecided', 1), decision('RiskAlertRaised', 2), decision('QaScoreComputed', 3)];
    await t.ledger.log.append(await Promise.all(events.map(async (e) => ({ topic: 'ledger.interactions', key: interactionId, value: await t.ledger.codec.encode(e) }))));
    await rebuildTrail();
  });
  after(async () => {
    await t?.close();
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    const { rows } = await admin.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`${prefix}\\_%`]);
    for (const row of rows) await admin.query(`drop schema if exists ${quoteIdent(row.nspname)} cascade`);
    await admin.end();
    await knex?.destroy();
  });

  it('shows a compliance officer the interaction\'s decisions with policy versions and verified chains, and audits the read', async () => {
    const res = await http.get(`/v1/compliance/interactions/${interactionId}/audit-trail`).query({ purpose: 'complaint C-5' }).set('authorization', `Bearer ${await t.token('compliance')}`).expect(200);
    expect(res.body.verification).to.deep.equal({ status: 'verified', chains: 1, rows: 3, breaks: [] });
    expect(res.body.entries.map((e: { seq: number; event_type: string }) => [e.seq, e.event_type])).to.deep.equal([[1, 'RoutingDecided'], [2, 'RiskAlertRaised'], [3, 'QaScoreComputed']]);
    expect(JSON.parse(res.body.entries[0].policy)).to.deep.equal({ policyId: 'routing-main', policyVersion: 7, cohort: 'CURRENT' });

    const audit = [];
    for await (const batch of t.ledger.log.readRange({ topic: 'ledger.audit' })) for (const r of batch) audit.push((await t.ledger.codec.decode(r.value)).data as { resource: string; purpose: string; interactionId: string });
    expect(audit.map((a) => [a.resource, a.purpose, a.interactionId])).to.deep.include(['GET /v1/compliance/interactions/{interactionId}/audit-trail', 'complaint C-5', interactionId]);
  });

  for (const role of ['supervisor', 'analyst', 'agent', 'ops'] as const) {
    it(`refuses the ${role} role (403)`, async () => {
      await http.get(`/v1/compliance/interactions/${interactionId}/audit-trail`).set('authorization', `Bearer ${await t.token(role)}`).expect(403);
    });
  }

  it('answers 404 for an interaction the trail has no rows for', async () => {
    await http.get('/v1/compliance/interactions/ix-unknown/audit-trail').set('authorization', `Bearer ${await t.token('compliance')}`).expect(404);
  });

  describe('when a row was altered in PostgreSQL', () => {
    it('names the broken row with the expected and stored hash', async () => {
      await rebuildTrail(); // the compliance read above is now a row of its own chain
      const version = (await store.currentVersions(['audit_trail'])).get('audit_trail') as number;
      const table = `${quoteIdent(store.versionSchema('audit_trail', version))}.entries`;
      await knex.transaction(async (trx) => {
        await trx.raw('set local session_replication_role = replica');
        await trx.raw(`update ${table} set detail = '{}' where subject = ? and chain = 'decisions' and seq = 2`, [`interaction:${interactionId}`]);
      });
      const res = await http.get(`/v1/compliance/interactions/${interactionId}/audit-trail`).set('authorization', `Bearer ${await t.token('compliance')}`).expect(200);
      expect(res.body.verification.status).to.equal('broken');
      expect(res.body.verification.chains).to.equal(2);
      expect(res.body.verification.breaks).to.have.length(1);
      expect(res.body.verification.breaks[0]).to.include({ subject: `interaction:${interactionId}`, chain: 'decisions', seq: 2, reason: 'content-changed' });
      expect(res.body.verification.breaks[0].stored).to.equal(res.body.entries.find((e: { chain: string; seq: number }) => e.chain === 'decisions' && e.seq === 2).hash);
    });
  });
});

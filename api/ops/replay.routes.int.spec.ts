// The replay jobs through the real API server on the embedded log (real PostgreSQL): a projection
// rebuild, a re-drive counted first and then copied, a routing what-if, each polled to its
// result; bad input refused with the field and the rule; every other role refused.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import request from 'supertest';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { openTestApi, type TestApi } from '../../test/support/api-harness.ts';
import { at, routing as ev } from '../../test/support/routing-events.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';

const fifo = { tiers: { VIP: { priority: 0 } }, queues: [{ id: 'cards', requiredSkills: [] }] };
const vipFirst = { tiers: { VIP: { priority: 1000 } }, queues: [{ id: 'cards', requiredSkills: [] }] };

/** One agent; S1 served 10 s → 70 s; S2 (STANDARD) and V (VIP) queue at 12 s and 13 s and are served in arrival order. */
const recording = () => [
  ev.policy(fifo, { seconds: 0 }),
  ...ev.ready('A1', {}, 1),
  ev.queued('S1', 'cards', 10), ev.answered('S1', 'A1', null, 10, 'cards'), ev.state('A1', 'BUSY', 10, 'S1'),
  ev.queued('S2', 'cards', 12, { tier: 'STANDARD' }), ev.queued('V', 'cards', 13, { tier: 'VIP' }),
  ev.ended('S1', 60), ev.state('A1', 'WRAP_UP', 60, 'S1'), ev.state('A1', 'AVAILABLE', 70),
  ev.answered('S2', 'A1', null, 70, 'cards'), ev.state('A1', 'BUSY', 70, 'S2'), ev.ended('S2', 120), ev.state('A1', 'AVAILABLE', 130),
  ev.answered('V', 'A1', null, 130, 'cards'), ev.state('A1', 'BUSY', 130, 'V'), ev.ended('V', 180), ev.state('A1', 'AVAILABLE', 190),
] as AnyLedgerEvent[];

describe('ops API replay jobs (real server, embedded log)', function () {
  this.timeout(120_000);
  let t: TestApi;
  let http: ReturnType<typeof request>;
  let ops: string;
  const prefix = `rj_${randomBytes(4).toString('hex')}`;
  let recorded = 0;

  async function finished(location: string): Promise<{ status: string; result: Record<string, unknown>; progress: { phase: string; done: number; total: number | null } | null; error: unknown }> {
    for (let i = 0; i < 600; i++) {
      const job = await http.get(location).set('authorization', `Bearer ${ops}`).expect(200);
      if (job.body.status !== 'running') return job.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${location} still running`);
  }

  before(async () => {
    t = await openTestApi({ configOverrides: { LEDGER_PROJECTIONS_PREFIX: prefix } });
    http = request(t.api.url);
    ops = await t.token('ops');
    const { log, codec } = t.ledger;
    for (const event of recording()) {
      const value = await codec.encode(event);
      await log.append([{ topic: codec.definitionOf(event).topic, key: codec.keyOf(event), value }, { topic: 'ledger.routing.inputs', key: 'sh', value }]);
      if (codec.definitionOf(event).topic === 'ledger.interactions') recorded++;
    }
  });
  after(async () => {
    await t?.close();
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    const schemas = await client.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like $1`, [`${prefix}\\_%`]);
    for (const row of schemas.rows) await client.query(`drop schema if exists "${row.nspname}" cascade`);
    await client.end();
  });

  it('refuses every replay route to other roles', async () => {
    for (const role of ['supervisor', 'analyst', 'agent', 'compliance'] as const) {
      const token = await t.token(role);
      await http.post('/v1/ops/projections/wallboard/rebuild').set('authorization', `Bearer ${token}`).expect(403);
      await http.post('/v1/ops/redrive').set('authorization', `Bearer ${token}`).send({ topic: 'ledger.interactions', to: 'x', fromOffset: 0 }).expect(403);
      await http.post('/v1/ops/what-if').set('authorization', `Bearer ${token}`).send({ kind: 'routing', document: vipFirst, from: new Date(at(5)).toISOString(), to: new Date(at(3600)).toISOString() }).expect(403);
      await http.get('/v1/ops/jobs').set('authorization', `Bearer ${token}`).expect(403);
    }
    await http.get('/v1/ops/jobs').expect(401);
  });

  it('rebuilds a projection as a job, reporting progress and the new version', async () => {
    await http.post('/v1/ops/projections/nonsense/rebuild').set('authorization', `Bearer ${ops}`).expect(404);
    const started = await http.post('/v1/ops/projections/wallboard/rebuild').set('authorization', `Bearer ${ops}`).expect(202);
    expect(started.body).to.include({ kind: 'rebuild', target: 'wallboard', status: 'running', startedBy: 'ops-user' });
    expect(started.headers.location).to.equal(`/v1/ops/jobs/${started.body.id}`);
    const job = await finished(started.headers.location);
    expect(job.status).to.equal('succeeded');
    expect(job.result).to.deep.include({ versions: { wallboard: 1 }, readSchema: `${prefix}_read` });
    expect(job.result.records).to.be.at.least(recorded);
    expect(job.progress?.phase).to.equal('swapped');
    const wallboard = await t.ledger.pool.query<{ offered: string }>(`select sum(offered) as offered from "${prefix}_read".wallboard_intervals`);
    expect(Number(wallboard.rows[0].offered)).to.equal(3);
  });

  it('re-drives a topic range: the dry run only counts, the real run copies what it counted', async () => {
    const body = { topic: 'ledger.interactions', to: 'ledger.interactions.redrive-test', fromOffset: 0 };
    const dry = await finished((await http.post('/v1/ops/redrive').set('authorization', `Bearer ${ops}`).send({ ...body, dryRun: true }).expect(202)).headers.location);
    expect(dry.result).to.include({ dryRun: true, records: recorded, copied: 0 });
    expect(await t.ledger.log.describeTopic(body.to).then(() => 'exists', () => 'absent')).to.equal('absent');
    const copy = await finished((await http.post('/v1/ops/redrive').set('authorization', `Bearer ${ops}`).send(body).expect(202)).headers.location);
    expect(copy.result).to.include({ counted: recorded, copied: recorded, dryRun: false });
    expect(copy.progress).to.deep.equal({ phase: 'copying', done: recorded, total: recorded });
    const target = await t.ledger.log.describeTopic(body.to);
    expect(target.partitions.reduce((sum, p) => sum + p.high - p.low, 0)).to.equal(recorded);
  });

  it('refuses a re-drive onto its own topic or without a range, naming the field and the rule', async () => {
    const same = await http.post('/v1/ops/redrive').set('authorization', `Bearer ${ops}`).send({ topic: 'ledger.interactions', to: 'ledger.interactions', fromOffset: 0 }).expect(422);
    expect(same.body.errors).to.deep.equal([{ field: 'to', rule: 'other-topic', message: 'must differ from topic' }]);
    const none = await http.post('/v1/ops/redrive').set('authorization', `Bearer ${ops}`).send({ topic: 'ledger.interactions', to: 'elsewhere' }).expect(422);
    expect(none.body.errors[0]).to.include({ field: 'fromOffset', rule: 'one-range' });
  });

  it('runs a routing what-if as a job: the VIP-first candidate lowers VIP ASA', async () => {
    const started = await http.post('/v1/ops/what-if').set('authorization', `Bearer ${ops}`)
      .send({ kind: 'routing', document: vipFirst, policyId: 'vip-first', from: new Date(at(5)).toISOString(), to: new Date(at(3600)).toISOString() }).expect(202);
    const job = await finished(started.headers.location);
    expect(job.status).to.equal('succeeded');
    const sites = job.result.sites as { site: string; rows: { queue: string; tier: string; actual: { asaMs: number }; candidate: { asaMs: number } }[] }[];
    const vip = sites.find((s) => s.site === 'sh')?.rows.find((r) => r.queue === 'cards' && r.tier === 'VIP');
    expect(vip?.actual.asaMs).to.equal(117_000);
    expect(vip?.candidate.asaMs).to.equal(57_000);
    const listed = await http.get('/v1/ops/jobs').set('authorization', `Bearer ${ops}`).expect(200);
    expect(listed.body.jobs[0].id).to.equal(started.body.id);
  });

  it('refuses an invalid candidate policy with every broken field, starting nothing', async () => {
    const before = (await http.get('/v1/ops/jobs').set('authorization', `Bearer ${ops}`)).body.jobs.length;
    const res = await http.post('/v1/ops/what-if').set('authorization', `Bearer ${ops}`)
      .send({ kind: 'routing', document: { queues: [{ id: 'cards', requiredSkills: [], strategy: 'fastest' }] }, from: new Date(at(5)).toISOString(), to: new Date(at(3600)).toISOString() }).expect(422);
    expect(res.body.errors[0]).to.include({ field: 'queues.0.strategy', rule: 'enum' });
    const backwards = await http.post('/v1/ops/what-if').set('authorization', `Bearer ${ops}`)
      .send({ kind: 'risk', document: {}, from: new Date(at(5)).toISOString(), to: new Date(at(1)).toISOString() }).expect(422);
    expect(backwards.body.errors).to.deep.equal([{ field: 'to', rule: 'after-from', message: 'must be after from' }]);
    expect((await http.get('/v1/ops/jobs').set('authorization', `Bearer ${ops}`)).body.jobs.length).to.equal(before);
  });
});

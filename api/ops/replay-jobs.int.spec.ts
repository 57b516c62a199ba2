// The ops API's job registry on real PostgreSQL: a job is seen by every API process sharing the
// database, outlives the process that ran it, reads `interrupted` once that process stopped
// beating, and two exclusive jobs cannot run at once across processes.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { JobConflictError, JobRegistry, type JobView } from './replay-jobs.ts';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(read: () => Promise<JobView | undefined>, done: (job: JobView) => boolean): Promise<JobView> {
  for (let i = 0; i < 100; i++) {
    const job = await read();
    if (job && done(job)) return job;
    await settle(50);
  }
  throw new Error('job did not reach the expected state');
}

describe('ops API jobs in PostgreSQL (real database)', function () {
  this.timeout(30_000);
  const schema = `jobs_${randomBytes(4).toString('hex')}`;
  let pool: pg.Pool;
  const registries: JobRegistry[] = [];
  const registry = (options: { heartbeatMs?: number; staleAfterMs?: number } = {}) => {
    const created = new JobRegistry({ pool, schema, now: Date.now, ...options });
    registries.push(created);
    return created;
  };

  before(async () => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    await registry().migrate();
  });
  after(async () => {
    for (const r of registries) r.close();
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  it('shows a job, its progress and its result to another API process, and after the one that ran it is gone', async () => {
    const ran = registry({ heartbeatMs: 20 });
    let finish!: (result: unknown) => void;
    const started = await ran.start('redrive', 'a → b', 'ops-user', async (progress) => {
      progress({ phase: 'copying', done: 5, total: 10 });
      return new Promise((resolve) => (finish = resolve));
    });
    expect(started).to.include({ kind: 'redrive', target: 'a → b', status: 'running', startedBy: 'ops-user' });
    const other = registry();
    const seen = await until(() => other.get(started.id), (job) => job.progress !== null);
    expect(seen).to.deep.include({ status: 'running', progress: { phase: 'copying', done: 5, total: 10 } });
    finish({ copied: 10 });
    ran.close();
    const done = await until(() => other.get(started.id), (job) => job.status !== 'running');
    expect(done).to.deep.include({ status: 'succeeded', result: { copied: 10 }, error: null });
    expect(done.finishedAt).to.be.a('string');
    expect((await other.list()).map((job) => job.id)).to.include(started.id);
    expect(await other.get('not-a-job-id')).to.equal(undefined);
  });

  it('deletes finished jobs past their retention when a job starts, never running ones', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const jobs = new JobRegistry({ pool, schema, now: () => now, keepMs: 86_400_000 });
    registries.push(jobs);
    const old = await jobs.start('redrive', 'old → done', 'ops-user', async () => 'copied');
    const stuck = await jobs.start('redrive', 'old → running', 'ops-user', () => new Promise(() => undefined));
    await until(() => jobs.get(old.id), (job) => job.status === 'succeeded');
    now += 2 * 86_400_000;
    await jobs.start('redrive', 'new', 'ops-user', async () => 'copied');
    expect(await jobs.get(old.id)).to.equal(undefined);
    expect((await jobs.get(stuck.id))?.status).to.equal('running');
  });

  it('records a failure with the field and the rule of bad input', async () => {
    const jobs = registry();
    const started = await jobs.start('what-if', 'risk x → y', 'ops-user', async () => {
      throw Object.assign(new Error('document.rules.0.pattern: must be a valid regular expression'), { retriable: false, field: 'document.rules.0.pattern', rule: 'regex' });
    });
    const failed = await until(() => jobs.get(started.id), (job) => job.status !== 'running');
    expect(failed.status).to.equal('failed');
    expect(failed.error).to.deep.equal({ message: 'document.rules.0.pattern: must be a valid regular expression', field: 'document.rules.0.pattern', rule: 'regex' });
  });

  it('refuses an exclusive job while another process runs one, and reads a job whose process stopped beating as interrupted', async () => {
    const dying = registry({ heartbeatMs: 60_000 }); // beats only at the start: as if its process were killed
    const running = await dying.start('rebuild', 'wallboard', 'ops-user', () => new Promise(() => undefined), ['wallboard', 'all']);
    const other = registry({ staleAfterMs: 400 });
    const refused = await other.start('rebuild', 'all', 'ops-user', async () => 'never', ['all', 'wallboard', 'live_queues']).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(JobConflictError);
    expect((refused as JobConflictError).running.id).to.equal(running.id);
    // A rebuild of another read model is not held up by it.
    const unrelated = await other.start('rebuild', 'live_queues', 'ops-user', async () => 'done', ['live_queues', 'all']);
    await until(() => other.get(unrelated.id), (job) => job.status === 'succeeded');

    await settle(600);
    const interrupted = await other.get(running.id);
    expect(interrupted?.status).to.equal('interrupted');
    expect(interrupted?.error?.message).to.match(/API process running it stopped/);
    const again = await other.start('rebuild', 'wallboard', 'ops-user', async () => 'resumed', ['wallboard', 'all']);
    expect((await until(() => other.get(again.id), (job) => job.status !== 'running')).result).to.equal('resumed');
  });
});

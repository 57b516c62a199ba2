// The projection runtime's behaviour, written once and run against each log adapter
// (projections/runtime/projections-*.int.spec.ts), in the style of Emmett's features.ts.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { startProjections } from '../runtime/live.ts';
import { rebuild, RebuildAbortedError, type RebuildProgress } from '../runtime/rebuild.ts';
import { ProjectionConflictError, ProjectionProcessor } from '../runtime/processor.ts';
import type { LogRecord } from '../../log/port.ts';
import type { ReadModel } from '../runtime/read-model.ts';
import { agentProfiles } from '../agent-profiles/agent-profiles.queries.ts';
import { customerHistory } from '../customer-history/customer-history.queries.ts';
import { liveQueues } from '../live-queues/live-queues.queries.ts';
import { rollingWallboard, wallboard } from '../wallboard/wallboard.queries.ts';
import { generateDay } from '../wallboard/fixture-day/generate-day.ts';
import { expectFunnelAndIntentsOf } from './funnel-and-intents-check.ts';
import { AgentScript, CallScript } from './builders.ts';
import { dumpCurrent, dumpSchemas, freshNames, openTestLedger, projectionsCaughtUp, type LogKind, type TestLedger } from './int-support.ts';

async function waitFor(what: string, condition: () => Promise<boolean>, deadlineMs = 120_000): Promise<void> {
  const giveUpAt = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** Read model → version, as a rebuild reports them (every registered read model is rebuilt together). */
function versionsOf(result: { versions: ReadonlyMap<string, number> }): Record<string, number> {
  return Object.fromEntries(result.versions);
}

const t0 = Date.UTC(2026, 10, 26, 2, 0, 0); // 10:00 in Shanghai
const s = (seconds: number) => t0 + seconds * 1000;

function smallScenario(): { events: AnyLedgerEvent[]; duplicate: AnyLedgerEvent } {
  const waiting = new CallScript('ix-wait').started(s(0)).queued(s(10), 'cards', 'VIP', { priority: 5 });
  const ringing = new CallScript('ix-ring').started(s(1)).queued(s(12), 'cards', 'STANDARD').offered(s(30), 'ag-1');
  const answered = new CallScript('ix-ans').started(s(2)).identified(s(4), 'STANDARD').queued(s(14), 'cards', 'STANDARD').answered(s(24), 'ag-2').ended(s(124)).wrapUp(s(154), 'ag-2', 30_000);
  const abandonedRinging = new CallScript('ix-abr').started(s(3)).queued(s(15), 'loans', 'PRIORITY').offered(s(40), 'ag-3').abandoned(s(42), 'RINGING', 27_000);
  const agents = [new AgentScript('ag-1').loggedIn(s(0)).state(s(1), 'AVAILABLE').state(s(30), 'BUSY'), new AgentScript('ag-2').loggedIn(s(0)).state(s(1), 'AVAILABLE')];
  const events = [...waiting.events, ...ringing.events, ...answered.events, ...abandonedRinging.events, ...agents.flatMap((a) => a.events)];
  return { events, duplicate: answered.events.find((e) => e.type === 'InteractionAnswered') as AnyLedgerEvent };
}

interface ProjectionChild {
  readonly child: ChildProcess;
  /** Batches it has projected so far. */
  batches(): number;
  /** Partitions it has projected batches of (`topic#partition`). */
  readonly partitions: Set<string>;
  /** Settles once its projections are live. */
  readonly live: Promise<void>;
}

/** A live projection process (projection-child.ts) on the test ledger `names`, in consumer group `group`. */
function startProjectionChild(kind: LogKind, names: TestLedger['names'], group: string): ProjectionChild {
  const childScript = fileURLToPath(new URL('./projection-child.ts', import.meta.url));
  const child = spawn(process.execPath, [childScript], {
    env: { ...process.env, PROJ_CHILD_KIND: kind, PROJ_CHILD_LOG_SCHEMA: names.logSchema, PROJ_CHILD_PREFIX: names.prefix, PROJ_CHILD_TOPIC_SUFFIX: names.topicSuffix, PROJ_CHILD_GROUP: group },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let count = 0;
  const partitions = new Set<string>();
  let resolveLive: () => void = () => undefined;
  const live = new Promise<void>((resolve) => (resolveLive = resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.startsWith('batch ')) {
        count += 1;
        const [, topic, partition] = line.split(' ');
        partitions.add(`${topic}#${partition}`);
      }
      if (line === 'live') resolveLive();
    }
  });
  return { child, batches: () => count, partitions, live };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The read models rebuilt without interruption from the same log under a fresh prefix: what every other way of projecting it must equal. */
async function referenceDump(names: TestLedger['names']): Promise<Record<string, unknown[]>> {
  const reference = await openTestLedger({ ...names, prefix: `${names.prefix}_ref` });
  try {
    await rebuild({ knex: reference.knex, log: reference.log, codec: reference.codec, store: reference.store, models: reference.models });
    return await dumpCurrent(reference);
  } finally {
    await reference.close();
  }
}

export function defineProjectionFeatures(kind: LogKind): void {
  describe(`projection runtime on the ${kind} log`, function () {
    this.timeout(180_000);
    let ledger: TestLedger;

    const everyModelAt = (version: number): Record<string, number> => Object.fromEntries(ledger.models.map((m) => [m.name, version]));

    beforeEach(async () => {
      ledger = await openTestLedger(freshNames(kind));
    });
    afterEach(async () => {
      await ledger?.close();
      await ledger?.drop();
    });

    describe('when events are projected live, one delivered twice under another offset', () => {
      it('shows the waiting calls and wallboard figures, counting the duplicate once', async () => {
        const { events, duplicate } = smallScenario();
        await ledger.append(events);
        await ledger.append([duplicate]); // a producer retry: same event id, later offset
        const live = await startProjections({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, group: `g-${ledger.names.prefix}` });
        try {
          await ledger.append([new CallScript('ix-late').queued(s(50), 'loans', 'VIP').events[0]]);
          await waitFor('projections to catch up', () => projectionsCaughtUp(ledger));
          const queues = await liveQueues(ledger.knex, ledger.store.readSchema, s(60));
          expect(queues.map((q) => [q.queueId, q.calls.map((c) => [c.interactionId, c.position, c.tier, c.waitMs, c.ringingAgentId])])).to.deep.equal([
            ['cards', [['ix-wait', 1, 'VIP', 50_000, null], ['ix-ring', 2, 'STANDARD', 48_000, 'ag-1']]],
            ['loans', [['ix-late', 1, 'VIP', 10_000, null]]],
          ]);
          expect(queues[0].agentsByState).to.deep.equal({ AVAILABLE: 1, BUSY: 1 });
          const [day] = await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'day' });
          expect(day.period).to.equal('2026-11-26');
          expect(day.counters).to.include({ offered: 5, answered: 1, answered_in_sl: 1, answer_wait_ms: 10_000, abandoned: 1, abandon_wait_ms: 27_000, handled: 1, wrap_ms: 30_000 });
          expect(day.figures.serviceLevel).to.equal(0.5);
          const [rolling] = await rollingWallboard(ledger.knex, ledger.store.readSchema, s(60), 30);
          expect(rolling.counters).to.deep.equal(day.counters);
          expect(await rollingWallboard(ledger.knex, ledger.store.readSchema, s(3 * 3600), 30)).to.deep.equal([]);
          const profiles = await agentProfiles(ledger.knex, ledger.store.readSchema, { fromMs: s(0), toMs: s(60), limit: 10 });
          expect(profiles.items.map((p) => [p.agentId, p.counters.offers, p.counters.handled, p.counters.wrap_ms, p.counters.available_ms])).to.deep.equal([
            ['ag-1', 1, 0, 0, 29_000], ['ag-2', 0, 1, 30_000, 0], ['ag-3', 1, 0, 0, 0],
          ]);
          const history = await customerHistory(ledger.knex, ledger.store.readSchema, 'C-ix-ans', 10);
          expect(history.map((c) => [c.interactionId, c.outcome, c.agentId, c.queueId])).to.deep.equal([['ix-ans', 'RESOLVED', 'ag-2', 'cards']]);
        } finally {
          await live.stop();
        }
      });
    });

    describe('when a batch is delivered again (below the checkpoint)', () => {
      it('skips it and leaves every table as it was', async () => {
        await ledger.append(smallScenario().events);
        await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
        const before = await dumpCurrent(ledger);
        const versions = await ledger.store.currentVersions(ledger.models.map((m) => m.name));
        const processor = new ProjectionProcessor({ knex: ledger.knex, codec: ledger.codec, targets: ledger.models.map((model) => ({ model, schema: ledger.store.versionSchema(model.name, versions.get(model.name) as number) })) });
        let applied = 0;
        for (const topic of [ledger.topic('ledger.interactions'), ledger.topic('ledger.agents')]) {
          for await (const batch of ledger.log.readRange({ topic })) applied += (await processor.process(batch)).applied;
        }
        expect(applied).to.equal(0);
        expect(await dumpCurrent(ledger)).to.deep.equal(before);
      });
    });

    describe('when a stale worker applies records another worker has already committed', () => {
      it('fails with a conflict and writes nothing, also when documents it believed new were written meanwhile', async () => {
        await ledger.append(smallScenario().events);
        // Two workers on one fresh version (as two rebuilds resuming it at once): neither looks documents up.
        await ledger.store.init();
        const targets: { model: ReadModel; schema: string; empty: boolean }[] = [];
        for (const model of ledger.models) targets.push({ model, schema: (await ledger.store.beginBuild(model)).schema, empty: true });
        const first = new ProjectionProcessor({ knex: ledger.knex, codec: ledger.codec, targets });
        const stale = new ProjectionProcessor({ knex: ledger.knex, codec: ledger.codec, targets });
        const batches: LogRecord[][] = [];
        for (const topic of [ledger.topic('ledger.interactions'), ledger.topic('ledger.agents')]) {
          for await (const batch of ledger.log.readRange({ topic })) batches.push([...batch]);
        }
        for (const batch of batches) await stale.lowestCheckpoint(batch[0].topic, batch[0].partition); // read before the other commits
        for (const batch of batches) await first.process(batch);
        const checkpoints = () => Promise.all(targets.map(async (t) => (await ledger.knex.raw<{ rows: unknown[] }>(`select * from "${t.schema}".checkpoints order by topic, partition`)).rows));
        const committed = { tables: await dumpSchemas(ledger, targets), checkpoints: await checkpoints() };
        const conflicts: Error[] = [];
        for (const batch of batches) await stale.process(batch).catch((error: Error) => conflicts.push(error));
        expect(conflicts).to.have.length.greaterThan(0);
        for (const conflict of conflicts) expect(conflict).to.be.instanceOf(ProjectionConflictError);
        expect(conflicts[0].message).to.match(/entity document appeared/);
        expect({ tables: await dumpSchemas(ledger, targets), checkpoints: await checkpoints() }).to.deep.equal(committed);
      });
    });

    describe('rebuild', () => {
      it('builds a fresh version, swaps it in atomically, keeps the old one until dropped, and reports progress', async () => {
        const day = generateDay({ calls: 150, agents: 4, seed: 7 });
        await ledger.append(day.events.slice(0, 100));
        // A record that is not an event at all (bad magic byte): reported and skipped, identically in every build.
        await ledger.appendRecords([{ topic: ledger.topic('ledger.interactions'), key: 'fx-0', value: Buffer.from('not avro') }]);
        await ledger.append(day.events.slice(100));
        const poison: string[] = [];
        const first = await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, onPoison: (record, error) => poison.push(`${record.offset}: ${error.name}`) });
        expect(poison).to.have.length(1);
        expect(poison[0]).to.match(/WireFormatError/);
        expect(versionsOf(first)).to.deep.equal(everyModelAt(1));
        await expectFunnelAndIntentsOf(ledger, day.events);
        const built = await dumpCurrent(ledger);
        const progress: RebuildProgress[] = [];
        const second = await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, batchSize: 500, progressEveryMs: 0, onProgress: (p) => progress.push(p) });
        expect(versionsOf(second)).to.deep.equal(everyModelAt(2));
        expect(await dumpCurrent(ledger)).to.deep.equal(built);
        expect(progress.at(-1)).to.include({ phase: 'swapped', processed: second.records });
        // Documents dropped from memory every few batches (a history larger than the cache):
        // the ones already written are looked up again, the rest still go in by COPY.
        const dropping = await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, batchSize: 300, maxCachedDocuments: 40 });
        expect(versionsOf(dropping)).to.deep.equal(everyModelAt(3));
        expect(await dumpCurrent(ledger)).to.deep.equal(built);
        expect(progress.some((p) => p.phase === 'reading' && p.total >= day.events.length && p.etaSeconds !== null)).to.equal(true);
        const versions = await ledger.store.versions('wallboard');
        expect(versions.map((v) => [v.version, v.status])).to.deep.equal([[1, 'retired'], [2, 'retired'], [3, 'current']]);
        await ledger.store.dropVersion('wallboard', 1);
        expect((await ledger.store.versions('wallboard')).map((v) => v.version)).to.deep.equal([2, 3]);
        expect((await rejection(ledger.store.dropVersion('wallboard', 3))).message).to.match(/current/);
      });

      it('serves the old version until the new one is swapped in, and resumes after an interruption', async () => {
        const day = generateDay({ calls: 120, agents: 3, seed: 11 });
        await ledger.append(day.events.slice(0, 600));
        await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
        const old = await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'total' });
        await ledger.append(day.events.slice(600));
        const abort = new AbortController();
        let batches = 0;
        const interrupted = rebuild({
          knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, batchSize: 100, progressEveryMs: 0, signal: abort.signal,
          onProgress: () => {
            batches += 1;
            if (batches === 3) abort.abort();
          },
        });
        expect(await rejection(interrupted)).to.be.instanceOf(RebuildAbortedError);
        expect(await wallboard(ledger.knex, ledger.store.readSchema, { grain: 'total' })).to.deep.equal(old);
        const resumed = await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, batchSize: 100 });
        expect(resumed.resumed).to.equal(true);
        expect(versionsOf(resumed)).to.deep.equal(everyModelAt(2));
        expect(resumed.records).to.be.below(day.events.length);
        const afterResume = await dumpCurrent(ledger);
        await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
        expect(await dumpCurrent(ledger)).to.deep.equal(afterResume);
      });
    });

    describe('when a rebuild swaps in a new version under a running live projection', () => {
      it('the live projection moves to the new version and fills the gap from its checkpoint', async () => {
        const day = generateDay({ calls: 200, agents: 4, seed: 5 });
        const third = Math.floor(day.events.length / 3);
        await ledger.append(day.events.slice(0, third));
        const live = await startProjections({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, group: `swap-${ledger.names.prefix}` });
        try {
          await waitFor('live to catch up', () => projectionsCaughtUp(ledger));
          await ledger.append(day.events.slice(third, 2 * third));
          const swapped = await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
          expect(versionsOf(swapped)).to.deep.equal(everyModelAt(2));
          await ledger.append(day.events.slice(2 * third));
          await waitFor('live to catch up on the new version', () => projectionsCaughtUp(ledger));
        } finally {
          await live.stop();
        }
        const afterSwap = await dumpCurrent(ledger);
        await rebuild({ knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models });
        expect(afterSwap).to.deep.equal(await dumpCurrent(ledger));
      });
    });

    describe('when the projection process is killed (SIGKILL) mid-batch and restarted', () => {
      it('ends with table contents identical to a projection that never stopped', async () => {
        const names = ledger.names;
        const group = `kill-${names.prefix}`;
        const day = generateDay({ calls: 900, agents: 6, seed: 99 });
        const records = await ledger.encode(day.events);
        const startChild = () => startProjectionChild(kind, names, group);
        const first = startChild();
        await first.live;
        const appending = ledger.appendRecords(records.slice(0, Math.floor(records.length / 2)));
        await waitFor('the child to process some batches', async () => first.batches() >= 15);
        first.child.kill('SIGKILL');
        await appending;
        await new Promise((resolve) => first.child.once('exit', resolve));
        await ledger.appendRecords(records.slice(Math.floor(records.length / 2)));
        await ledger.appendRecords(records.filter((_, i) => i % 97 === 0)); // duplicates under new offsets
        const second = startChild();
        try {
          await waitFor('the restarted child to catch up', () => projectionsCaughtUp(ledger), 150_000);
        } finally {
          await stopChild(second.child);
        }
        expect(await dumpCurrent(ledger)).to.deep.equal(await referenceDump(names));
      });
    });

    describe('when PostgreSQL fails the last live batch for a passing reason (a serialization failure) and no other batch follows', () => {
      it('projects the batch again at once and ends identical to an uninterrupted rebuild', async () => {
        const day = generateDay({ calls: 300, agents: 4, seed: 55 });
        const records = await ledger.encode(day.events);
        const half = Math.floor(records.length / 2);
        const retried: string[] = [];
        const live = await startProjections({
          knex: ledger.knex, log: ledger.log, codec: ledger.codec, store: ledger.store, models: ledger.models, group: `retry-${ledger.names.prefix}`,
          onRetry: (error) => retried.push((error as { code?: string }).code ?? error.name),
        });
        try {
          await ledger.appendRecords(records.slice(0, half));
          await waitFor('projections to catch up', () => projectionsCaughtUp(ledger));
          // A real 40001 from PostgreSQL, once: the wallboard's next checkpoint update raises it.
          const schema = ledger.store.versionSchema('wallboard', (await ledger.store.currentVersions(['wallboard'])).get('wallboard') as number);
          await ledger.knex.raw(`create sequence ${schema}.fail_once`);
          await ledger.knex.raw(`create function ${schema}.fail_once() returns trigger language plpgsql as $$
            begin
              if nextval('${schema}.fail_once') = 1 then raise exception 'injected' using errcode = '40001'; end if;
              return new;
            end $$`);
          await ledger.knex.raw(`create trigger fail_once before update on ${schema}.checkpoints for each row execute function ${schema}.fail_once()`);
          // One record, so one batch: no later batch would find the failure, the recovery must.
          await ledger.appendRecords(records.slice(half, half + 1));
          await waitFor('projections to catch up after the failure', () => projectionsCaughtUp(ledger));
          await ledger.appendRecords(records.slice(half + 1));
          await waitFor('projections to catch up with the rest', () => projectionsCaughtUp(ledger));
        } finally {
          await live.stop();
        }
        expect(retried).to.deep.equal(['40001']);
        expect(await dumpCurrent(ledger)).to.deep.equal(await referenceDump(ledger.names));
      });
    });

    describe('when two projection processes share the consumer group (scaled out) while events arrive', () => {
      it('splits the partitions between them and ends with table contents identical to one uninterrupted rebuild', async () => {
        const names = ledger.names;
        const group = `pair-${names.prefix}`;
        const day = generateDay({ calls: 900, agents: 6, seed: 77 });
        const records = await ledger.encode(day.events);
        const first = startProjectionChild(kind, names, group);
        await first.live; // the first builds the (empty) versions; the second joins them
        const second = startProjectionChild(kind, names, group);
        try {
          await second.live;
          // In slices, so both are projecting while the rest arrives: their transactions add to
          // the same counter rows (one interval, one queue) at the same time.
          for (let i = 0; i < records.length; i += 500) await ledger.appendRecords(records.slice(i, i + 500));
          await waitFor('the pair to catch up', () => projectionsCaughtUp(ledger), 150_000);
        } finally {
          await Promise.all([stopChild(first.child), stopChild(second.child)]);
        }
        expect(first.partitions.size, 'partitions the first projected').to.be.greaterThan(0);
        expect(second.partitions.size, 'partitions the second projected').to.be.greaterThan(0);
        expect(await dumpCurrent(ledger)).to.deep.equal(await referenceDump(names));
      });
    });
  });
}

// LEDGER_COMPONENTS splits the product over processes: two real `call-ledger run` processes on one
// ledger (the embedded log in a fresh schema of the test database), one running the projections
// and the API, the other routing. Each starts only its components; together they make the
// product (routing's decisions reach the projections); a name that is not a component stops the
// process before it touches anything; a component that ends on an error stops its process with
// exit code 1, for its supervisor to restart.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { waitFor } from '../log/contract/contract-support.ts';
import { toAppendRecords } from '../log/runtime/event-records.ts';
import { openLedger, type Ledger } from '../platform/open-ledger.ts';
import { generateDay } from '../projections/wallboard/fixture-day/generate-day.ts';
import { testConfig } from './support/api-harness.ts';
import { testDatabaseUrl } from './support/test-database.ts';

const cli = fileURLToPath(new URL('../bin/call-ledger', import.meta.url));

interface RunningProcess {
  readonly child: ChildProcess;
  /** Components the process said it runs, once it is running. */
  readonly started: Promise<string[]>;
  output(): string;
}

function run(env: Record<string, string>): RunningProcess {
  const child = spawn(cli, ['run'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const started = new Promise<string[]>((resolve, reject) => {
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.includes('Call Ledger is running')) continue;
        resolve((JSON.parse(line) as { components: string[] }).components);
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.once('exit', (code) => reject(new Error(`call-ledger run exited with ${code}: ${output}`)));
  });
  started.catch(() => undefined);
  return { child, started, output: () => output };
}

async function stop(process: RunningProcess | undefined): Promise<void> {
  if (!process || process.child.exitCode !== null) return;
  const exited = new Promise((resolve) => process.child.once('exit', resolve));
  process.child.kill('SIGTERM');
  await exited;
}

describe('the product split over processes (LEDGER_COMPONENTS)', function () {
  this.timeout(240_000);
  const id = randomBytes(4).toString('hex');
  const schema = `split_${id}`;
  const prefix = `ps_${id}`;
  const shared = {
    LEDGER_LOG: 'embedded', LEDGER_DATABASE_URL: testDatabaseUrl(), LEDGER_DB_SCHEMA: schema, LEDGER_PROJECTIONS_PREFIX: prefix, LEDGER_API_READ_SCHEMA: `${prefix}_read`,
    LEDGER_TOPIC_PARTITIONS: '3', LEDGER_MASTER_KEY: randomBytes(32).toString('base64'), LEDGER_API_JWT_SECRET: randomBytes(32).toString('hex'), LEDGER_API_PORT: '0',
    LEDGER_SIMULATOR: 'off', LEDGER_LOG_LEVEL: 'info',
  };
  let reading: RunningProcess | undefined;
  let deciding: RunningProcess | undefined;
  let ledger: Ledger | undefined;

  after(async () => {
    await Promise.all([stop(reading), stop(deciding)]);
    await ledger?.close();
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    for (const s of (await client.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like $1 or nspname like $2`, [`${schema}%`, `${prefix}%`])).rows) {
      await client.query(`drop schema if exists "${s.nspname}" cascade`);
    }
    await client.end();
  });

  it('runs only the named components in each process, and the two together project routing decisions', async () => {
    reading = run({ ...shared, LEDGER_COMPONENTS: 'projections,api' });
    expect(await reading.started).to.deep.equal(['projections', 'api']);
    deciding = run({ ...shared, LEDGER_COMPONENTS: 'routing' });
    expect(await deciding.started).to.deep.equal(['routing']);

    ledger = await openLedger(testConfig(schema, { LEDGER_PROJECTIONS_PREFIX: prefix }), { warn: () => undefined });
    const day = generateDay({ calls: 60, agents: 4, seed: 31 });
    const records = await toAppendRecords(ledger.codec, day.events);
    await ledger.log.append(records);
    const log = ledger.log;
    const atEnd = async (group: string, topic: string): Promise<boolean> => {
      const done = await log.groupOffsets(group, topic);
      return (await log.describeTopic(topic)).partitions.every((p) => p.high === p.low || (done.get(p.partition) ?? 0) >= p.high);
    };
    await waitFor('routing (second process) to sequence every input', async () => (await atEnd('streams.routing-sequencer', 'ledger.interactions')) && (await atEnd('streams.routing-sequencer', 'ledger.agents')), 120_000);
    await waitFor('routing to decide on every sequenced input', () => atEnd('streams.routing', 'ledger.routing.inputs'), 120_000);
    let decisions = 0;
    for await (const batch of log.readRange({ topic: 'ledger.interactions' })) {
      for (const record of batch) {
        const event = await ledger.codec.decode(record.value);
        if (event.type === 'RoutingDecided' && event.metadata.producer.component === 'streams/routing') decisions += 1;
      }
    }
    expect(decisions, 'decisions of the routing process').to.be.greaterThan(0);
    await waitFor('the projections (first process) to read every routing decision', () => atEnd('projections', 'ledger.interactions'), 120_000);
    // Risk runs in neither process: its group never read anything.
    expect((await log.groupOffsets('streams.risk-qa', 'ledger.interactions')).size).to.equal(0);
    expect(reading.output()).not.to.match(/"component":"routing"/);
    expect(deciding.output()).not.to.match(/"component":"projections"/);
  });

  it('refuses a name that is not a component, naming the setting and the known names', async () => {
    const wrong = run({ ...shared, LEDGER_COMPONENTS: 'projections,routng' });
    const error = await wrong.started.then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/LEDGER_COMPONENTS: unknown component 'routng' \(known: projections, routing/);
    expect(wrong.child.exitCode).to.not.equal(0);
  });

  it('stops the process with exit code 1 when a component ends on an error, so that its supervisor restarts it', async () => {
    const failingPrefix = `${prefix}f`;
    const failing = run({ ...shared, LEDGER_DB_SCHEMA: `${schema}_f`, LEDGER_PROJECTIONS_PREFIX: failingPrefix, LEDGER_API_READ_SCHEMA: `${failingPrefix}_read`, LEDGER_COMPONENTS: 'projections' });
    const exited = new Promise<number | null>((resolve) => failing.child.once('exit', resolve));
    try {
      await failing.started;
      // The core read models' version disappears under the running projections: the next batch
      // fails on a missing table, which no retry mends.
      const client = new pg.Client({ connectionString: testDatabaseUrl() });
      await client.connect();
      try {
        await client.query(`drop schema "${failingPrefix}_live_queues_v1" cascade`);
      } finally {
        await client.end();
      }
      const failingLedger = await openLedger(testConfig(`${schema}_f`, { LEDGER_PROJECTIONS_PREFIX: failingPrefix }), { warn: () => undefined });
      try {
        await failingLedger.log.append(await toAppendRecords(failingLedger.codec, generateDay({ calls: 5, agents: 2, seed: 32 }).events));
      } finally {
        await failingLedger.close();
      }
      expect(await exited).to.equal(1);
      expect(failing.output()).to.match(/component failed: stopping the process/).and.match(/"component":"projections"/);
    } finally {
      await stop(failing);
    }
  });
});

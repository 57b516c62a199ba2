// The ops switch through the whole product (projections, routing, risk, QA/summaries as `call-ledger
// run` starts them, and the API): POST DEGRADED pauses the analytics read models' group and the QA
// and summary processor while the core group, routing and risk keep up with new events; POST NORMAL
// lets them catch up, and every queue visit is on the wallboard exactly once.
import { expect } from 'chai';
import pg from 'pg';
import { waitFor } from '../log/contract/contract-support.ts';
import { toAppendRecords } from '../log/runtime/event-records.ts';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { generateDay } from '../projections/wallboard/fixture-day/generate-day.ts';
import { startTestProduct, type TestProduct } from './support/product-harness.ts';
import { testDatabaseUrl } from './support/test-database.ts';

describe('degrade through the ops switch (whole product, embedded log)', function () {
  this.timeout(300_000);
  let product: TestProduct;
  before(async () => {
    product = await startTestProduct({ LEDGER_SYSTEM_MODE_POLL_MS: '200', LEDGER_SIMULATOR: 'off', LEDGER_LOG_LEVEL: 'error' });
  });
  after(async () => {
    await product?.stop();
  });

  const topics = ['ledger.interactions', 'ledger.agents'];
  const append = async (events: readonly AnyLedgerEvent[]): Promise<void> => {
    const records = await toAppendRecords(product.ledger.codec, events);
    for (let i = 0; i < records.length; i += 2000) await product.ledger.log.append(records.slice(i, i + 2000));
  };
  const checkpoints = async (group: string, of: readonly string[] = topics): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const topic of of) for (const [partition, next] of await product.ledger.log.groupOffsets(group, topic)) out[`${topic}/${partition}`] = next;
    return out;
  };
  const atEnd = async (group: string, of: readonly string[] = topics): Promise<boolean> => {
    const done = await checkpoints(group, of);
    for (const topic of of) {
      for (const p of (await product.ledger.log.describeTopic(topic)).partitions) if (p.high > p.low && (done[`${topic}/${p.partition}`] ?? 0) < p.high) return false;
    }
    return true;
  };
  const switchMode = async (mode: 'DEGRADED' | 'NORMAL'): Promise<Record<string, unknown>> => {
    const response = await fetch(`${product.api.url}/v1/ops/system-mode`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await product.token('ops')}` }, body: JSON.stringify({ mode, reason: `e2e ${mode}` }),
    });
    expect(response.status).to.equal(201);
    return (await response.json()) as Record<string, unknown>;
  };

  it('pauses analytics and QA/summaries while DEGRADED, keeps the core group and risk current, and catches up after NORMAL', async () => {
    const day = generateDay({ calls: 300, agents: 6, seed: 23 });
    const slices = [0.3, 0.4, 0.6, 1].map((f) => Math.floor(day.events.length * f));
    await append(day.events.slice(0, slices[0]));
    await waitFor('both projection groups to catch up', async () => (await atEnd('projections')) && (await atEnd('projections.analytics')), 120_000);

    await switchMode('DEGRADED');
    const mode = (await (await fetch(`${product.api.url}/v1/ops/system-mode`, { headers: { authorization: `Bearer ${await product.token('ops')}` } })).json()) as { mode: string; detail: { shedFeatures: string[] } };
    expect(mode.mode).to.equal('DEGRADED');
    expect(mode.detail.shedFeatures).to.include('analytics');
    // The pause takes effect at the components' next poll of the control topic: feed events until
    // a slice the core group consumed entirely left the analytics checkpoints where they were.
    let from = slices[0];
    let paused: Record<string, number> | undefined;
    for (const to of slices.slice(1, 3)) {
      const before = await checkpoints('projections.analytics');
      await append(day.events.slice(from, to));
      from = to;
      await waitFor('the core group to consume the slice', () => atEnd('projections'), 120_000);
      if (JSON.stringify(await checkpoints('projections.analytics')) === JSON.stringify(before)) {
        paused = before;
        break;
      }
    }
    expect(paused, 'analytics paused').to.not.equal(undefined);
    // QA and summaries (shed with the same mode) read only the interactions topic.
    const qaPaused = await checkpoints('streams.qa-summary', ['ledger.interactions']);
    await append(day.events.slice(from));
    await waitFor('the core group to consume the rest while degraded', () => atEnd('projections'), 120_000);
    await waitFor('routing to sequence every call and agent event while degraded', () => atEnd('streams.routing-sequencer'), 120_000);
    expect(await checkpoints('projections.analytics')).to.deep.equal(paused);
    expect(await atEnd('projections.analytics')).to.equal(false);
    await waitFor('risk (core) to decide every call event while degraded', () => atEnd('streams.risk-qa', ['ledger.interactions']), 120_000);
    expect(await checkpoints('streams.qa-summary', ['ledger.interactions']), 'QA and summaries paused').to.deep.equal(qaPaused);

    await switchMode('NORMAL');
    await waitFor('the analytics group to catch up after NORMAL', () => atEnd('projections.analytics'), 120_000);
    await waitFor('QA and summaries to catch up after NORMAL', () => atEnd('streams.qa-summary', ['ledger.interactions']), 120_000);
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const readSchema = product.ledger.config.api.readSchema;
      const waitForOffered = async (): Promise<boolean> => {
        const { rows } = await client.query<{ offered: string | null }>(`select sum(offered) as offered from "${readSchema}".wallboard_intervals`);
        return Number(rows[0].offered) === day.visits.length;
      };
      // The group checkpoint may run one batch ahead of the rows (pipelined commit): wait for the rows.
      await waitFor('every queue visit on the wallboard once', waitForOffered, 60_000);
    } finally {
      await client.end();
    }
  });
});

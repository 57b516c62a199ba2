// The feature suite's check of the IVR funnel and intents read models against counts taken
// straight from the events (not through their evolves): node entries, abandonment paths, calls.
import { expect } from 'chai';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { intentsByDay } from '../intents/intents.queries.ts';
import { abandonPaths, funnelNodes } from '../ivr-funnel/ivr-funnel.queries.ts';
import type { TestLedger } from './int-support.ts';

/** Interactions whose first outcome (answer, callback, abandon) is an abandon, in the IVR or in queue. */
function abandonedBeforeAnAgent(events: readonly AnyLedgerEvent[]): number {
  const outcome = new Map<string, string>();
  for (const event of events) {
    const id = event.metadata.interactionId;
    if (id === null || outcome.has(id)) continue;
    if (event.type === 'InteractionAnswered' || event.type === 'CallbackRequested' || event.type === 'InteractionAbandoned') outcome.set(id, event.type);
  }
  return [...outcome.values()].filter((type) => type === 'InteractionAbandoned').length;
}

export async function expectFunnelAndIntentsOf(ledger: Pick<TestLedger, 'knex' | 'store'>, events: readonly AnyLedgerEvent[]): Promise<void> {
  const range = { from: 0, to: Number.MAX_SAFE_INTEGER };
  const nodes = await funnelNodes(ledger.knex, ledger.store.readSchema, range);
  expect(nodes.reduce((n, r) => n + r.entries, 0)).to.equal(events.filter((e) => e.type === 'IvrNodeEntered').length);
  expect(nodes.reduce((n, r) => n + r.zeroOuts, 0)).to.equal(events.filter((e) => e.type === 'IvrExited' && e.data.reason === 'ZERO_OUT').length);
  const paths = await abandonPaths(ledger.knex, ledger.store.readSchema, { ...range, limit: 10_000, offset: 0 });
  expect(paths.reduce((n, p) => n + p.calls, 0)).to.equal(abandonedBeforeAnAgent(events));
  const intents = await intentsByDay(ledger.knex, ledger.store.readSchema, range);
  const callsPerDay = new Map(intents.map((r) => [r.day, r.callsThatDay]));
  expect([...callsPerDay.values()].reduce((n, c) => n + c, 0)).to.equal(new Set(events.map((e) => e.metadata.interactionId).filter((id) => id !== null)).size);
}

import { expect } from 'chai';
import { checkTargets } from './targets.ts';

describe('bench targets', () => {
  it('passes and fails each target on its figure, beside the raw limit of the same run', () => {
    const checks = checkTargets([
      { bench: 'ingest-projections-kafka', figure: 'raw kafkajs produce + consume (pipelined; the limit)', eventsPerSecond: 40_000 },
      { bench: 'ingest-projections-kafka', figure: 'ingest → projections (Kafka adapter append → every read model current)', eventsPerSecond: 25_000, ratioToRaw: 2.4 },
      { bench: 'routing.e2e.kafka', callsInSystem: 10_000, offered: { p99Ms: 30 }, waited: { p99Ms: 61 } },
      { bench: 'routing.compute', p99Us: 400 },
    ]);
    const outcome = Object.fromEntries(checks.map((c) => [c.target, c.outcome]));
    expect(outcome['ingest → projections on Kafka ≥ 20,000 events/s']).to.equal('pass');
    expect(outcome['ingest → projections within 2x of raw kafkajs']).to.equal('fail');
    expect(outcome['live path p99 ≤ 50 ms at 10,000 concurrent calls (Kafka; worse of offer and wait decisions)']).to.equal('fail');
    expect(outcome['routing decision compute p99 ≤ 1 ms (10,000 waiting calls, 5,000 agents)']).to.equal('pass');
    expect(outcome['DR takeover (snapshot + tail) ≤ 60 s']).to.equal('not measured');
    expect(checks[0].limit).to.equal('raw kafkajs produce+consume: 40,000 events/s');
  });

  it('does not count a live-path figure measured below 10,000 concurrent calls', () => {
    const [, , live] = checkTargets([{ bench: 'routing.e2e.kafka', callsInSystem: 2_000, offered: { p99Ms: 5 }, waited: { p99Ms: 5 } }]);
    expect(live.outcome).to.equal('not measured');
  });

  it('reports every target as not measured when no bench ran', () => {
    expect(checkTargets([]).map((c) => c.outcome)).to.deep.equal(Array(7).fill('not measured'));
  });
});

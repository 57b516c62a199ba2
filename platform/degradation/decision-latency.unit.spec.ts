import { expect } from 'chai';
import type { LogRecord } from '../../log/port.ts';
import { DecisionLatency } from './decision-latency.ts';

const input = (timestamp: number, source = 'new/ivr'): LogRecord => ({ topic: 't', partition: 0, offset: 0, key: null, value: Buffer.alloc(0), headers: { ce_source: source }, timestamp });

describe('decision latency', () => {
  it('is the p99 of input ages since the previous sample, then starts afresh', () => {
    const latency = new DecisionLatency(() => 10_000);
    for (let age = 1; age <= 100; age += 1) latency.recordInput(input(10_000 - age));
    expect(latency.takeP99()).to.equal(99);
    expect(latency.takeP99(), 'nothing decided since').to.equal(null);
  });

  it('does not count inputs imported from a legacy system (their time is history)', () => {
    const latency = new DecisionLatency(() => 10_000);
    latency.recordInput(input(0, 'legacy:avaya/importer'));
    latency.recordInput(input(9_990));
    expect(latency.takeP99()).to.equal(10);
  });
});

import { expect } from 'chai';
import type { SystemModeChangedData } from '../../schemas/generated/events.ts';
import { runSheddable, sheds } from './shed-when-degraded.ts';
import type { ModeListener, SystemModeWatch } from './system-mode-watch.ts';

const mode = (value: SystemModeChangedData['mode'], shedFeatures: string[]): SystemModeChangedData => ({ scope: 'GLOBAL', mode: value, previousMode: null, reason: 'spec', changedBy: 'ops-1', shedFeatures, activeSite: null });

/** A watch whose recorded modes the spec publishes by hand. */
function handWatch(initial: SystemModeChangedData | null): SystemModeWatch & { record(change: SystemModeChangedData): Promise<void> } {
  const listeners: ModeListener[] = [];
  let current = initial;
  return {
    current: () => current,
    async follow(listener) {
      listeners.push(listener);
      await listener(current);
    },
    poll: async () => undefined,
    stop: async () => undefined,
    async record(change) {
      current = change;
      for (const listener of listeners) await listener(change);
    },
  };
}

describe('sheddable consumers', () => {
  it('shed only by a mode other than NORMAL that lists their feature', () => {
    expect(sheds(null, 'analytics')).to.equal(false);
    expect(sheds(mode('DEGRADED', ['analytics']), 'analytics')).to.equal(true);
    expect(sheds(mode('DEGRADED', ['summary']), 'analytics')).to.equal(false);
    expect(sheds(mode('EMERGENCY', ['analytics']), 'analytics')).to.equal(true);
    expect(sheds(mode('NORMAL', ['analytics']), 'analytics')).to.equal(false);
  });

  it('serving several features, shed when any one of them is', () => {
    const qaAndSummaries = ['qa', 'summary'];
    expect(sheds(mode('DEGRADED', ['summary']), qaAndSummaries)).to.equal(true);
    expect(sheds(mode('DEGRADED', ['qa', 'analytics']), qaAndSummaries)).to.equal(true);
    expect(sheds(mode('DEGRADED', ['analytics']), qaAndSummaries)).to.equal(false);
    expect(sheds(mode('NORMAL', ['qa', 'summary']), qaAndSummaries)).to.equal(false);
    expect(sheds(null, qaAndSummaries)).to.equal(false);
  });

  it('stop on DEGRADED, start again on NORMAL, once each, and stay stopped after stop()', async () => {
    const events: string[] = [];
    const watch = handWatch(null);
    const consumption = await runSheddable({
      feature: 'analytics', watch,
      start: async () => {
        events.push('start');
        return { stop: async () => void events.push('stop') };
      },
    });
    expect(events).to.deep.equal(['start']);
    await watch.record(mode('DEGRADED', ['analytics']));
    await watch.record(mode('DEGRADED', ['analytics', 'qa']));
    expect(consumption.paused()).to.equal(true);
    await watch.record(mode('NORMAL', []));
    expect(consumption.paused()).to.equal(false);
    await consumption.stop();
    await watch.record(mode('DEGRADED', ['analytics']));
    await watch.record(mode('NORMAL', []));
    expect(events).to.deep.equal(['start', 'stop', 'start', 'stop']);
  });

  it('does not start while the recorded mode sheds its feature', async () => {
    let starts = 0;
    const watch = handWatch(mode('DEGRADED', ['analytics']));
    const consumption = await runSheddable({
      feature: 'analytics', watch,
      start: async () => {
        starts += 1;
        return { stop: async () => undefined };
      },
    });
    expect(consumption.paused()).to.equal(true);
    expect(starts).to.equal(0);
    await watch.record(mode('NORMAL', []));
    expect(consumption.paused()).to.equal(false);
    expect(starts).to.equal(1);
  });
});

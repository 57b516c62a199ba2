// The real dialer decider against the seeded telephony simulation (test/support/outbound-simulation.ts):
// a small campaign (2,000 contacts, 5 agents) of the one `npm run bench:outbound` runs at 50,000 and 50.
import { expect } from 'chai';
import { simulateCampaign, type SimulationResult } from '../../test/support/outbound-simulation.ts';

describe('outbound dialer on a simulated campaign of 2,000 contacts and 5 agents', function () {
  this.timeout(120_000);
  let predictive: SimulationResult;
  let preview: SimulationResult;

  before(() => {
    predictive = simulateCampaign({ mode: 'PREDICTIVE', contacts: 2000, agents: 5, seed: 7 });
    preview = simulateCampaign({ mode: 'PREVIEW', contacts: 2000, agents: 5, seed: 7 });
  });

  it('keeps the campaign abandon rate and every rolling-window rate under the 3% cap', () => {
    expect(predictive.connects).to.be.greaterThan(1000);
    expect(predictive.abandonRate).to.be.below(predictive.cap);
    expect(predictive.maxRollingAbandonRate).to.be.below(predictive.cap);
  });

  it('never dials outside the customer\'s calling window or a customer on the do-not-call list', () => {
    for (const run of [predictive, preview]) {
      expect(run.dialledOutsideWindow, run.mode).to.equal(0);
      expect(run.dialledDoNotCall, run.mode).to.equal(0);
    }
  });

  it('works the whole list: every contact reached, barred or out of attempts', () => {
    expect(predictive.contactsDone).to.equal(2000);
    expect(preview.contactsDone).to.equal(2000);
    expect(predictive.attempts).to.be.at.most(3 * 2000);
  });

  it('gives agents more contacts per hour than preview dialling on the same list, with less idle time', () => {
    expect(predictive.firstShift.contactsPerAgentHour).to.be.greaterThan(preview.firstShift.contactsPerAgentHour);
    expect(predictive.firstShift.agentIdleShare).to.be.below(preview.firstShift.agentIdleShare);
  });
});

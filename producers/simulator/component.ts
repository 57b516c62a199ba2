// The traffic simulator as a component of `call-ledger run` (shaped like cli/components.ts'
// Component, which it does not import): on the embedded development ledger it plays the
// gentle-demo scenario in real time by default (LEDGER_SIMULATOR, LEDGER_SIMULATOR_SPEED), so the
// wallboard and the workstation move, and it is the telephony of outbound campaigns (outbound.ts).
// Its agents have their own ids and decline calls they did not make or dial, so a human at the
// web workstation is never fought over.
import type { Logger } from '../../platform/logger.ts';
import type { Ledger } from '../../platform/open-ledger.ts';
import { resolveScenario } from './scenario-files.ts';
import { startSimulator } from './simulator-runner.ts';

export const simulatorComponent = {
  name: 'simulator',
  async start(ledger: Ledger, logger: Logger): Promise<{ readonly name: string; stop(): Promise<void> }> {
    const { scenario: name, speed } = ledger.config.simulator;
    if (name === null) return { name: 'simulator (off)', stop: async () => undefined };
    const scenario = resolveScenario(name);
    const simulator = await startSimulator({
      log: ledger.log, codec: ledger.codec, scenario, seed: 1, site: ledger.config.routing.sites[0], now: Date.now,
      clock: speed === 1 ? { mode: 'real-time' } : { mode: 'compressed', speed },
      onError: (error) => logger.error({ err: error }, 'simulator stopped'),
    });
    logger.info({ scenario: scenario.name, speed, run: simulator.runTag, site: ledger.config.routing.sites[0] }, 'simulator playing (LEDGER_SIMULATOR=off to turn it off)');
    return { name: 'simulator', stop: () => simulator.stop() };
  },
};

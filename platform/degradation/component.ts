// The degradation controller as a component of `call-ledger run` (shaped like cli/components.ts'
// Component, which it does not import). LEDGER_DEGRADE_SAMPLE_MS=0 leaves it out: the mode then
// changes only through the ops API.
import type { Logger } from '../logger.ts';
import type { Ledger } from '../open-ledger.ts';
import { startDegradationController } from './degradation-controller.ts';
import { watchSystemMode } from './system-mode-watch.ts';

export const degradationComponent = {
  name: 'degradation',
  async start(ledger: Ledger, logger: Logger): Promise<{ readonly name: string; stop(): Promise<void> }> {
    const config = ledger.config.degradation;
    if (config.sampleMs === 0) {
      logger.info('degradation controller off (LEDGER_DEGRADE_SAMPLE_MS=0)');
      return { name: 'degradation', stop: async () => undefined };
    }
    const watch = await watchSystemMode({
      log: ledger.log, codec: ledger.codec, pollMs: config.modePollMs,
      onError: (error) => logger.warn({ err: error }, 'degradation: system mode not read'),
    });
    const controller = await startDegradationController({
      log: ledger.log, codec: ledger.codec, watch, groups: config.groups, latency: ledger.decisionLatency, sampleMs: config.sampleMs,
      limits: { scope: 'GLOBAL', maxLag: config.maxLag, resumeLag: config.resumeLag, maxDecisionMs: config.maxDecisionMs, resumeDecisionMs: config.resumeDecisionMs, sustainMs: config.sustainMs, shedFeatures: config.shedFeatures },
      onChange: (change) => logger.warn({ mode: change.mode, shedFeatures: change.shedFeatures, reason: change.reason }, 'system mode changed by the degradation controller'),
      onError: (error) => logger.warn({ err: error }, 'degradation: sample failed'),
    });
    logger.info({ groups: config.groups, maxLag: config.maxLag, resumeLag: config.resumeLag, maxDecisionMs: config.maxDecisionMs, resumeDecisionMs: config.resumeDecisionMs, sustainMs: config.sustainMs, mode: watch.current()?.mode ?? 'NORMAL' }, 'degradation controller live');
    return {
      name: 'degradation',
      async stop() {
        await controller.stop();
        await watch.stop();
      },
    };
  },
};

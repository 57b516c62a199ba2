// The risk, QA and summary processor as a component of `call-ledger run` (shaped like
// cli/components.ts' Component, which it does not import: cli/ imports streams/, never the other
// way round). Its decider state is snapshotted to PostgreSQL beside the read models, so a
// restart resumes calls in flight from the snapshot and the tail of the log.
import type { Logger } from '../../platform/logger.ts';
import type { Ledger } from '../../platform/open-ledger.ts';
import { PostgresSnapshotStore } from '../runtime/snapshot-store.ts';
import { callProcessorName, startCallProcessor } from './call-processor.ts';

export const callProcessorComponent = {
  name: 'risk-qa',
  async start(ledger: Ledger, logger: Logger): Promise<{ readonly name: string; stop(): Promise<void> }> {
    const processor = await startCallProcessor({
      log: ledger.log,
      codec: ledger.codec,
      personalData: ledger.personalData,
      snapshots: new PostgresSnapshotStore(ledger.pool, ledger.config.dbSchema),
      onDeadLetter: (reason) => logger.warn({ reason }, 'risk/QA: input dead-lettered'),
      onOutputs: (_records, input) => ledger.decisionLatency.recordInput(input),
    });
    processor.done.catch((error: unknown) => logger.error({ err: error }, 'risk/QA processor stopped'));
    logger.info({ group: callProcessorName, ruleVersions: processor.policies.byKey.size }, 'risk/QA processor live');
    return { name: 'risk-qa', stop: () => processor.stop() };
  },
};

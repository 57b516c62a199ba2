// The call processors as components of `call-ledger run` (shaped like cli/components.ts'
// Component, which they do not import: cli/ imports streams/, never the other way round). Their
// decider state is snapshotted to PostgreSQL beside the read models, so a restart resumes calls in
// flight from the snapshot and the tail of the log. Risk is core; QA and summaries declare their
// sheddable features, so `call-ledger run` stops that processor while the system mode sheds one of
// them and starts it again afterwards (it catches up from its checkpoints).
import type { Logger } from '../../platform/logger.ts';
import type { Ledger } from '../../platform/open-ledger.ts';
import { PostgresSnapshotStore } from '../runtime/snapshot-store.ts';
import { qaSummaryFeatures, qaSummaryProcessor, riskProcessor, startCallProcessor, type CallProcessorKind } from './call-processor.ts';
import { componentFailed } from '../../platform/component-failure.ts';

async function start(kind: CallProcessorKind, ledger: Ledger, logger: Logger): Promise<{ readonly name: string; stop(): Promise<void> }> {
  const processor = await startCallProcessor({
    kind,
    log: ledger.log,
    codec: ledger.codec,
    personalData: ledger.personalData,
    snapshots: new PostgresSnapshotStore(ledger.pool, ledger.config.dbSchema),
    onDeadLetter: (reason) => logger.warn({ reason }, `${kind.label}: input dead-lettered`),
    // Only the core processor's latency steers the degradation controller: a catching-up QA
    // processor decides on old inputs by design, and counting them would degrade again at once.
    onOutputs: kind === riskProcessor ? (_records, input) => ledger.decisionLatency.recordInput(input) : undefined,
  });
  processor.done.catch((error: unknown) => {
    logger.error({ err: error }, `${kind.label} processor stopped`);
    componentFailed(kind.label, error);
  });
  logger.info({ group: kind.name, ruleVersions: processor.policies.byKey.size }, `${kind.label} processor live`);
  return { name: kind.label, stop: () => processor.stop() };
}

export const riskProcessorComponent = {
  name: riskProcessor.label,
  start: (ledger: Ledger, logger: Logger) => start(riskProcessor, ledger, logger),
};

export const qaSummaryProcessorComponent = {
  name: qaSummaryProcessor.label,
  sheddableFeature: qaSummaryFeatures,
  start: (ledger: Ledger, logger: Logger) => start(qaSummaryProcessor, ledger, logger),
};

// call-ledger run: the product — the ledger (embedded PostgreSQL log by default, or Kafka), its
// topics and schemas, then every component in cli/components.ts, or those LEDGER_COMPONENTS names
// (several processes, each running some of them, make one product).
import { readConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { onShutdown } from '../../platform/shutdown.ts';
import { onComponentFailure } from '../../platform/component-failure.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import { runSheddable } from '../../platform/degradation/shed-when-degraded.ts';
import { watchSystemMode, type SystemModeWatch } from '../../platform/degradation/system-mode-watch.ts';
import type { Ledger } from '../../platform/open-ledger.ts';
import type { Logger } from '../../platform/logger.ts';
import { components, selectComponents, type Component, type RunningComponent } from '../components.ts';

export async function runProduct(): Promise<void> {
  const config = readConfig();
  const selected = selectComponents(components, config.components);
  const logger = createLogger(config.logLevel);
  logger.info({ log: config.log, database: config.databaseUrl ? 'configured' : 'embedded' }, 'starting Call Ledger');
  const ledger = await openLedger(config, { warn: (message) => logger.warn(message) });
  const running: RunningComponent[] = [];
  const shutdown = onShutdown(logger, async () => {
    for (const component of running.reverse()) await component.stop();
    await ledger.close();
  });
  // A component that ended on an error takes the process down with it, so the supervisor restarts it.
  onComponentFailure((component, error) => {
    logger.fatal({ component, err: error }, 'component failed: stopping the process so that its supervisor restarts it (every component resumes from its checkpoints)');
    shutdown(`component ${component} failed`, 1);
  });
  await ledger.log.createTopics(ledgerTopics(config, ledger.codec.catalogue));
  await ledger.codec.registerAll();
  logger.info({ topics: ledger.codec.catalogue.topics, eventTypes: ledger.codec.catalogue.all.length }, 'topics and schemas ready');
  let modeWatch: SystemModeWatch | undefined;
  if (selected.some((component) => component.sheddableFeature !== undefined)) {
    const watch = await watchSystemMode({ log: ledger.log, codec: ledger.codec, pollMs: config.degradation.modePollMs, onError: (error) => logger.warn({ err: error }, 'system mode not read') });
    running.push({ name: 'system-mode-watch', stop: () => watch.stop() });
    modeWatch = watch;
  }
  for (const component of selected) {
    running.push(await startComponent(component, ledger, logger, modeWatch));
    logger.info({ component: component.name }, 'started');
  }
  logger.info({ components: running.map((c) => c.name), database: ledger.databaseUrl.replace(/:[^:@/]+@/, ':***@') }, 'Call Ledger is running (Ctrl-C to stop)');
}

/** A component that declares a sheddable feature runs only while the system mode does not shed it. */
export async function startComponent(component: Component, ledger: Ledger, logger: Logger, modeWatch: SystemModeWatch | undefined): Promise<RunningComponent> {
  const feature = component.sheddableFeature;
  if (feature === undefined || modeWatch === undefined) return component.start(ledger, logger);
  const sheddable = await runSheddable({
    feature, watch: modeWatch, start: () => component.start(ledger, logger),
    onShed: (paused, mode) => logger.warn({ component: component.name, feature, mode: mode?.mode ?? 'NORMAL' }, paused ? 'paused (feature shed)' : 'resumed, catching up from the log'),
  });
  return { name: component.name, stop: () => sheddable.stop() };
}

// `call-ledger simulate`: plays a scenario into the configured ledger (the product runs elsewhere:
// `call-ledger run` on Kafka or on a shared LEDGER_DATABASE_URL), in real time, compressed
// (--speed x) or as fast as the log accepts (--speed max); or, with --offline, runs the day
// through the routing decider in memory and prints the calibration figures (docs/simulator.md).
import { readConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { onShutdown } from '../../platform/shutdown.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import { parseDuration, parseStart } from '../../producers/simulator/durations.ts';
import { simulateOffline } from '../../producers/simulator/offline-day.ts';
import { resolveScenario } from '../../producers/simulator/scenario-files.ts';
import { startSimulator, type ClockMode } from '../../producers/simulator/simulator-runner.ts';

export interface SimulateOptions {
  readonly scenario: string;
  readonly speed: string;
  readonly seed: string;
  readonly duration?: string;
  readonly start?: string;
  readonly scale: string;
  readonly site?: string;
  readonly offline?: boolean;
}

function positiveNumber(text: string, field: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${field}: must be a positive number, got '${text}'`);
  return value;
}

function clockOf(speed: string): ClockMode {
  if (speed === 'max') return { mode: 'as-fast-as-possible', stepMs: 1000 };
  const value = positiveNumber(speed, '--speed');
  return value === 1 ? { mode: 'real-time' } : { mode: 'compressed', speed: value };
}

export async function simulateCommand(options: SimulateOptions): Promise<void> {
  const scenario = resolveScenario(options.scenario);
  const seed = Number(options.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed: must be a non-negative integer, got '${options.seed}'`);
  const scale = positiveNumber(options.scale, '--scale');
  const durationMs = options.duration === undefined ? undefined : parseDuration(options.duration, '--duration');
  const config = readConfig();
  const site = options.site ?? config.routing.sites[0];
  if (options.offline) {
    // Default: today from local midnight, for a day.
    const offset = scenario.utcOffsetMinutes * 60_000;
    const start = options.start ? parseStart(options.start, '--start') : Math.floor((Date.now() + offset) / 86_400_000) * 86_400_000 - offset;
    const day = simulateOffline(scenario, { seed, start, site, runTag: 'offline', arrivalScale: scale }, durationMs ?? 86_400_000);
    console.log(JSON.stringify({ scenario: scenario.name, seed, start: new Date(start).toISOString(), ...day }, null, 2));
    return;
  }
  const clock = clockOf(options.speed);
  const logger = createLogger(config.logLevel);
  const ledger = await openLedger(config, { warn: (message) => logger.warn(message) });
  await ledger.log.createTopics(ledgerTopics(config, ledger.codec.catalogue));
  await ledger.codec.registerAll();
  const simulator = await startSimulator({
    log: ledger.log, codec: ledger.codec, scenario, seed, site, clock, now: Date.now, durationMs, arrivalScale: scale,
    start: options.start ? parseStart(options.start, '--start') : undefined,
    onError: (error) => logger.error({ err: error }, 'simulator stopped'),
  });
  logger.info({ scenario: scenario.name, seed, clock, site, run: simulator.runTag }, 'simulating (Ctrl-C to stop: agents log out, calls end)');
  const progress = setInterval(() => {
    const stats = simulator.stats();
    logger.info({ ...stats, simulatedAt: new Date(stats.simulatedAt).toISOString() }, 'simulator');
  }, 10_000);
  let finished: Promise<void> | undefined;
  // Called by Ctrl-C and by the end of --duration, whichever comes first; runs once.
  const finish = (): Promise<void> => (finished ??= (async () => {
    clearInterval(progress);
    await simulator.stop();
    logger.info(simulator.stats(), 'simulator stopped');
    await ledger.close();
  })());
  onShutdown(logger, finish);
  await simulator.done.finally(finish);
}

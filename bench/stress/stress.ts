// npm run stress -- --profile 3x|surge [--peak <calls/hour>] [--agents n] [--warmup 30s --hold 150s]
//                   [--base 60s --surge 120s --after 60s] [--drain 90s] [--seed n]
// The whole pipeline on Kafka under simulated traffic: `call-ledger run` as a child process
// (projections, routing, risk, QA/summaries, API; a fresh PostgreSQL schema and projection prefix), the
// traffic simulator here at a multiple of a configured historical peak. Reports JSON on stdout:
// accepted events/s, latency p50/p99 per stage, consumer lag per group over time, decisions per
// second, errors, and whether anything was lost (counted end to end); writes a self-contained
// HTML report under stress-reports/ (gitignored). Figures in docs/BENCHMARKS.md. The pipeline keeps
// the PostgreSQL schema `stress` and a master key in stress-reports/ between runs (its events stay on
// the broker, so every later run reads them again).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { LedgerLog } from '../../log/port.ts';
import { readConfig } from '../../platform/config.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import { loadScenario, type Scenario } from '../../producers/simulator/scenario.ts';
import { shippedScenarios } from '../../producers/simulator/scenario-files.ts';
import { startSimulator } from '../../producers/simulator/simulator-runner.ts';
import { causationHeader } from '../../streams/runtime/run-processor.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import { stressSettings, type StressSettings } from './profiles.ts';
import { Recorder } from './recorder.ts';
import { renderReport, type PhaseBand } from './report-html.ts';

const settings = stressSettings(process.argv.slice(2));
const id = randomBytes(3).toString('hex');
const databaseUrl = process.env.LEDGER_STRESS_DATABASE_URL ?? testDatabaseUrl();
const reportFolder = fileURLToPath(new URL('../../stress-reports/', import.meta.url));
mkdirSync(reportFolder, { recursive: true });
// The events stay in the broker's topics after a run, so the next run must read them: one schema
// (snapshots, data keys, read models, checkpoints) and one master key, kept from run to run.
const keyFile = `${reportFolder}stress-master.key`;
if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
const env: Record<string, string> = {
  LEDGER_LOG: 'kafka', LEDGER_DATABASE_URL: databaseUrl, LEDGER_DB_SCHEMA: 'stress', LEDGER_PROJECTIONS_PREFIX: 'stress', LEDGER_API_READ_SCHEMA: 'stress_read',
  LEDGER_MASTER_KEY: readFileSync(keyFile, 'utf8').trim(), LEDGER_API_JWT_SECRET: randomBytes(48).toString('base64'), LEDGER_API_PORT: '0', LEDGER_SIMULATOR: 'off', LEDGER_LOG_LEVEL: 'warn',
};
const topics = { interactions: 'ledger.interactions', agents: 'ledger.agents', inputs: 'ledger.routing.inputs', deadletter: 'ledger.deadletter' } as const;
const groups: readonly (readonly [string, readonly string[]])[] = [
  ['streams.routing-sequencer', [topics.interactions, topics.agents]],
  ['streams.routing', [topics.inputs]],
  ['streams.risk-qa', [topics.interactions]],
  // Sheddable: while DEGRADED it pauses and its lag grows; the drain waits for it to catch up.
  ['streams.qa-summary', [topics.interactions]],
  ['projections', [topics.interactions, topics.agents]],
];
const simulatorSource = 'simulator/producers/simulator';
// Inputs the sequencer must pass on to routing, every one (InteractionStarted only tells it the
// site; InteractionEnded/Abandoned of calls routing never saw are dropped by design: docs/routing.md).
const sequenced = new Set(['QueueEntered', 'CustomerIdentified', 'InteractionAnswered', 'OfferDeclined', 'AgentLoggedIn', 'AgentStateChanged', 'AgentLoggedOut', 'AgentSkillsChanged']);
const log = (message: string): void => { process.stderr.write(`stress: ${message}\n`); };

/** The bank-day scenario at a flat historical peak, one pool of agents with every skill on a shift that covers the run. */
function stressScenario(s: StressSettings): Scenario {
  const bankDay = loadScenario(fileURLToPath(shippedScenarios['bank-day']));
  const local = new Date(Date.now() + bankDay.utcOffsetMinutes * 60_000 - 3_600_000);
  const hhmm = (d: Date): string => d.toISOString().slice(11, 16);
  const skills = { retail: 8, 'credit-card': 8, 'internet-banking': 8, securities: 8, wealth: 8, video: 8 };
  return {
    ...bankDay,
    name: `stress-${s.profile}`,
    arrivals: { scale: 1, curve: [{ at: '00:00', callsPerHour: s.peakCallsPerHour }] },
    agents: { ...bankDay.agents, groups: [{ prefix: 'SIM-X', count: s.agents, skills, shift: { start: hhmm(local), end: hhmm(new Date(local.getTime() - 60_000)) }, breaks: [] }] },
  };
}

async function endOffsets(ledgerLog: LedgerLog, topic: string): Promise<Map<number, number>> {
  return new Map((await ledgerLog.describeTopic(topic)).partitions.map((p) => [p.partition, p.high]));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const config = readConfig({ ...process.env, ...env });
const ledger = await openLedger(config, { warn: () => undefined });
await ledger.log.createTopics(ledgerTopics(config, ledger.codec.catalogue));
await ledger.codec.registerAll();
const startOffsets = new Map<string, Map<number, number>>();
for (const topic of Object.values(topics)) startOffsets.set(topic, await endOffsets(ledger.log, topic));

log(`starting call-ledger run on Kafka (schema stress, run ${id})`);
// The child logs at info: its 'Call Ledger is running' line says the pipeline is up.
const child = spawn(process.execPath, [fileURLToPath(new URL('../../cli/call-ledger.ts', import.meta.url)), 'run'], { env: { ...process.env, ...env, LEDGER_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
// Whatever happens to this process, the pipeline it started goes with it.
process.once('exit', () => child.kill('SIGKILL'));
const childErrors: string[] = [];
// The pipeline's own log, beside the report, for whoever has to explain a figure.
const pipelineLog = createWriteStream(`${reportFolder}stress-${settings.profile}-${id}.pipeline.log`);
const running = new Promise<void>((resolve, reject) => {
  const onLine = (line: string): void => {
    if (line.includes('Call Ledger is running')) resolve();
    if (pipelineLog.writable) pipelineLog.write(`${line}\n`);
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) >= 50) childErrors.push(entry.err?.message ? `${entry.msg ?? ''}: ${entry.err.message}` : (entry.msg ?? line));
    } catch {
      if (/error/i.test(line)) childErrors.push(line);
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  child.once('exit', (code) => reject(new Error(`call-ledger run exited with ${code} before it was running: ${childErrors.slice(-3).join(' | ')}`)));
});
// Whatever happens, the pipeline stops and the schemas of this run are dropped.
try {
  let startTimer: NodeJS.Timeout | undefined;
  await Promise.race([running, new Promise((_, reject) => { startTimer = setTimeout(() => reject(new Error(`call-ledger run did not start within 240 s: ${childErrors.slice(-3).join(' | ')}`)), 240_000).unref(); })]);
  clearTimeout(startTimer);
  log('pipeline running');

  const recorder = new Recorder(Date.now());
  const appendedAt = new Map<string, number>();
  const pendingProjection = new Map<string, { offset: number; at: number }[]>();
  const queuedVisits = new Set<string>();
  const decidedVisits = new Set<string>();
  let routingInputsAppended = 0;
  let simulatorAppended = 0;
  let appendFailures = 0;
  let maxCallsInProgress = 0;

  // Routing and risk/QA outputs as they reach the log: decision latency = seen − append of the input that caused it.
  const observer = await ledger.log.subscribe({
    group: `stress.observer.${id}`, topics: [topics.interactions, topics.agents], startFrom: 'latest', maxBatchSize: 5000,
    handler: async (batch) => {
      const now = Date.now();
      for (const record of batch.records) {
        if (record.headers[causationHeader] === undefined) continue;
        const event = await ledger.codec.decode(record.value);
        const cause = appendedAt.get(event.metadata.causationId ?? '');
        const component = event.metadata.producer.component;
        if (component === 'streams/routing') {
          if (event.type !== 'RoutingDecided') continue;
          recorder.count('decisions', now);
          decidedVisits.add((event.data as { visitId: string }).visitId);
          if (cause !== undefined) recorder.latency('routing decision', now, now - cause);
        } else {
          recorder.count('risk-qa outputs', now);
          if (cause !== undefined) recorder.latency(`risk/QA (${component.replace('streams/', '')})`, now, now - cause);
        }
      }
    },
  });

  const simulator = await startSimulator({
    log: ledger.log, codec: ledger.codec, scenario: stressScenario(settings), seed: settings.seed, site: config.routing.sites[0], clock: { mode: 'real-time' }, now: Date.now,
    arrivalScale: settings.phases[0].scale,
    onError: (error) => { appendFailures++; log(`append failed: ${(error as Error).message}`); },
    onAppended: (events, results, at, appendMs) => {
      recorder.count('accepted', at, events.length);
      recorder.latency('append (accepted)', at, appendMs);
      simulatorAppended += events.length;
      events.forEach((event, i) => {
        appendedAt.set(event.metadata.eventId, at - appendMs);
        if (sequenced.has(event.type)) routingInputsAppended++;
        if (event.type === 'QueueEntered') queuedVisits.add(event.data.visitId);
        const result = results[i];
        const key = `${result.topic}/${result.partition}`;
        let pending = pendingProjection.get(key);
        if (!pending) pendingProjection.set(key, (pending = []));
        pending.push({ offset: result.offset, at: at - appendMs });
      });
    },
  });

  // Consumer lag per group (records behind the end of its topics), and the projections' checkpoint passing each appended record.
  let sampling = true;
  const lagSampler = (async () => {
    while (sampling) {
      const now = Date.now();
      try {
        const ends = new Map<string, Map<number, number>>();
        for (const topic of [topics.interactions, topics.agents, topics.inputs]) ends.set(topic, await endOffsets(ledger.log, topic));
        for (const [group, groupTopics] of groups) {
          let lag = 0;
          for (const topic of groupTopics) {
            const committed = await ledger.log.groupOffsets(group, topic);
            for (const [partition, high] of ends.get(topic) ?? []) lag += Math.max(0, high - Math.max(committed.get(partition) ?? -1, startOffsets.get(topic)?.get(partition) ?? 0));
            if (group !== 'projections') continue;
            for (const [partition, next] of committed) {
              const pending = pendingProjection.get(`${topic}/${partition}`);
              while (pending && pending.length > 0 && pending[0].offset < next) recorder.latency('projections (checkpoint)', now, now - (pending.shift()?.at ?? now));
            }
          }
          recorder.lagSample(group, now, lag);
        }
        maxCallsInProgress = Math.max(maxCallsInProgress, simulator.stats().callsInProgress);
      } catch (error) {
        log(`lag sample failed: ${(error as Error).message}`);
      }
      await sleep(1000);
    }
  })();

  const bands: PhaseBand[] = [];
  for (const [index, phase] of settings.phases.entries()) {
    const fromS = (Date.now() - recorder.startedAt) / 1000;
    if (index > 0) simulator.rescale(phase.scale);
    log(`${phase.name}: ${Math.round((settings.peakCallsPerHour * phase.scale) / 360) / 10} calls/s for ${phase.durationMs / 1000} s`);
    await sleep(phase.durationMs);
    bands.push({ name: phase.name, fromS, toS: (Date.now() - recorder.startedAt) / 1000 });
  }
  await simulator.stop();
  const loadEndS = (Date.now() - recorder.startedAt) / 1000;
  log('load stopped; draining');
  const drainDeadline = Date.now() + settings.drainMs;
  // Transactional writers (the processors) end each partition with a commit marker that takes an
  // offset no consumer ever commits past: a group is caught up at one record per partition behind.
  const partitionsOf = new Map<string, number>();
  for (const [group, groupTopics] of groups) partitionsOf.set(group, groupTopics.reduce((sum, topic) => sum + (startOffsets.get(topic)?.size ?? 0), 0));
  const behind = (): string[] => [...recorder.lag].filter(([group, series]) => (series.values[series.values.length - 1] ?? 0) > (partitionsOf.get(group) ?? 0)).map(([group]) => group);
  // Caught up for three checks in a row (the lag is sampled every second): stopping the load ends
  // calls and shifts, whose decisions and outputs the groups still have to read.
  for (let quiet = 0; Date.now() < drainDeadline && quiet < 3; await sleep(1000)) {
    quiet = behind().length > 0 || decidedVisits.size < queuedVisits.size ? 0 : quiet + 1;
  }
  await sleep(2000);
  bands.push({ name: 'drain', fromS: loadEndS, toS: (Date.now() - recorder.startedAt) / 1000 });
  sampling = false;
  await lagSampler;
  await observer.stop();

  // Counted end to end: every record the simulator appended is in the log; every routing input was sequenced; every queue visit got a decision.
  let readBack = 0;
  let sequencedBack = 0;
  for (const topic of [topics.interactions, topics.agents, topics.inputs]) {
    for (const [partition, from] of startOffsets.get(topic) ?? []) {
      for await (const batch of ledger.log.readRange({ topic, partitions: [partition], from: { offset: from } })) {
        for (const record of batch) {
          if (record.headers.ce_source !== simulatorSource) continue;
          if (topic !== topics.inputs) readBack++;
          else if (sequenced.has(record.headers.ce_type ?? '')) sequencedBack++;
        }
      }
    }
  }
  const deadLetters = [...(await endOffsets(ledger.log, topics.deadletter))].reduce((sum, [partition, high]) => sum + high - (startOffsets.get(topics.deadletter)?.get(partition) ?? 0), 0);

  const endS = Math.ceil((Date.now() - recorder.startedAt) / 1000);
  const phaseFigures = bands.map((band) => {
    const from = Math.ceil(band.fromS);
    const to = Math.floor(band.toS);
    const mean = (name: string): number => Math.round(recorder.perSecond(name, from, to).values.reduce((a, b) => a + b, 0) / Math.max(1, to - from));
    return {
      phase: band.name, seconds: to - from, acceptedEventsPerSecond: mean('accepted'), decisionsPerSecond: mean('decisions'), riskQaOutputsPerSecond: mean('risk-qa outputs'),
      latency: Object.fromEntries(recorder.stages().map((stage) => [stage, recorder.percentiles(stage, from, to)])),
      maxLag: Object.fromEntries([...recorder.lag].map(([group, series]) => [group, Math.max(0, ...series.values.filter((_, i) => series.t[i] >= band.fromS && series.t[i] < band.toS))])),
    };
  });
  const summary = {
    bench: 'stress', profile: settings.profile, date: new Date().toISOString(), machine: { cpus: cpus().length, loadAverage: loadavg().map((l) => Math.round(l * 10) / 10) },
    peakCallsPerHour: settings.peakCallsPerHour, agents: settings.agents, maxCallsInProgress, phases: phaseFigures,
    totals: { acceptedEvents: simulatorAppended, decisions: recorder.total('decisions'), riskQaOutputs: recorder.total('risk-qa outputs') },
    errors: { appendFailures, deadLetters, pipelineErrorLines: childErrors.length, firstPipelineErrors: childErrors.slice(0, 5) },
    lost: {
      appendedBySimulator: simulatorAppended, readBackFromLog: readBack,
      routingInputsAppended, routingInputsSequenced: sequencedBack,
      queueVisits: queuedVisits.size, queueVisitsDecided: [...queuedVisits].filter((v) => decidedVisits.has(v)).length,
      lagAtEnd: Object.fromEntries([...recorder.lag].map(([group, series]) => [group, series.values[series.values.length - 1] ?? null])),
      groupsBehindAtEnd: behind(),
      nothingLost: readBack === simulatorAppended && sequencedBack === routingInputsAppended && [...queuedVisits].every((v) => decidedVisits.has(v)) && behind().length === 0,
    },
    note: 'latency: append = log.append call; routing decision = input appended → RoutingDecided consumed from the log; risk/QA = input appended → output consumed; projections = record appended → projections group checkpoint past it (sampled every second)',
  };

  const charts = [
    { title: 'Throughput', unit: 'per second', lines: [
      { label: 'accepted events/s', ...recorder.perSecond('accepted', 0, endS) },
      { label: 'routing decisions/s', ...recorder.perSecond('decisions', 0, endS) },
      { label: 'risk/QA outputs/s', ...recorder.perSecond('risk-qa outputs', 0, endS) },
    ] },
    ...recorder.stages().map((stage) => {
      const series = recorder.latencyOverTime(stage, endS, 5);
      return { title: `Latency: ${stage}`, unit: 'ms', lines: [{ label: 'p50', t: series.t, values: series.p50 }, { label: 'p99', t: series.t, values: series.p99 }] };
    }),
    { title: 'Consumer lag', unit: 'records', lines: [...recorder.lag].map(([group, series]) => ({ label: group, t: series.t, values: series.values })) },
  ];
  const file = `${reportFolder}stress-${settings.profile}-${summary.date.replace(/[:.]/g, '-')}.html`;
  writeFileSync(file, renderReport(`Call Ledger stress: ${settings.profile} (${summary.date})`, charts, bands, endS, summary));
  process.stdout.write(`${JSON.stringify({ ...summary, report: file })}\n`);
} finally {
  child.kill('SIGTERM');
  if (child.exitCode === null) await new Promise((resolve) => { child.once('exit', resolve); setTimeout(resolve, 30_000).unref(); });
  pipelineLog.end();
  await ledger.close();
}

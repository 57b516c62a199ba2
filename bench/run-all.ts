// npm run bench — every benchmark in bench/ (every *.bench.ts), one after the other, each in its
// own process, at small but meaningful sizes (below). Collects the JSON lines each prints, checks
// the DESIGN.md targets (pass/fail per target, beside the raw limit of the same run), prints the
// run as one JSON document, and rewrites the generated section of docs/BENCHMARKS.md (between its
// markers; the hand-written analysis stays) and docs/benchmarks-latest.json.
//   npm run bench                      # everything (Kafka at LEDGER_KAFKA_BROKERS, PostgreSQL at the test database)
//   npm run bench -- codec log         # only these (by file name without .bench.ts): their sections replace
//                                      # the same benches' in the docs, the others stay from their own runs
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderRun, withGeneratedSection, type BenchOutcome, type RunReport } from './runner/benchmarks-doc.ts';
import { checkTargets, type Figure } from './runner/targets.ts';
import { measureMachineSpeed } from './runner/machine-speed.ts';

interface BenchSettings {
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeArgs?: readonly string[];
  readonly args?: readonly string[];
  readonly title?: string;
}

/** Sizes for a full run on a shared 2-core machine; a bench not named here runs with its own defaults. */
const settings: Readonly<Record<string, BenchSettings>> = {
  codec: { title: 'Codec', env: { BENCH_EVENTS: '200000' } },
  log: { title: 'Log: Kafka adapter beside raw kafkajs', env: { LEDGER_BENCH_EVENTS: '100000', LEDGER_BENCH_EMBEDDED: '0' } },
  'embedded-log': { title: 'Log: embedded adapter beside PostgreSQL COPY', env: { LEDGER_BENCH_EVENTS: '100000' } },
  'ingest-projections-kafka': { title: 'Ingest → projections on Kafka beside raw kafkajs', env: { LEDGER_BENCH_EVENTS: '150000' } },
  'projections-catch-up-kafka': { title: 'Projections catching up on Kafka (no append in the process)', env: { LEDGER_BENCH_EVENTS: '150000' } },
  'kafka-hop-latency': { title: 'Live path: one processor hop on Kafka beside raw kafkajs', env: { HOP_BENCH_SAMPLES: '200' } },
  routing: { title: 'Routing: compute, state, live path at 10,000 calls on Kafka', nodeArgs: ['--expose-gc'], env: { ROUTING_BENCH_CALLS: '10000' } },
  risk: { title: 'Risk and QA: rules throughput, alert latency on Kafka', env: { RISK_BENCH_SAMPLES: '200' } },
  'risk-snapshot': { title: 'Risk and QA: snapshots', args: ['1000'] },
  projections: { title: 'Projections on the embedded log: raw read, rebuild, steady-state lag', env: { LEDGER_BENCH_EVENTS: '400000', LEDGER_BENCH_STEADY_SECONDS: '15' } },
  import: { title: 'Legacy import (queue_log, CDR)', env: { LEDGER_BENCH_ROWS: '100000' } },
  replay: { title: 'Replay and DR takeover', env: { LEDGER_BENCH_DAYS: '7', LEDGER_BENCH_CALLS_PER_DAY: '2000', LEDGER_BENCH_TAIL_CALLS: '1000' } },
  api: { title: 'API ingest', env: { LEDGER_BENCH_SECONDS: '10', LEDGER_BENCH_SETTINGS: '1x64,10x16,20x8,50x4' } },
};

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const docsDir = fileURLToPath(new URL('../docs/', import.meta.url));
const only = process.argv.slice(2);
const available = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.slice(0, -'.bench.ts'.length)).sort();
const unknown = only.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench: ${unknown.join(', ')} (bench/ has: ${available.join(', ')})\n`);
  process.exit(2);
}
const order = [...Object.keys(settings).filter((name) => available.includes(name)), ...available.filter((name) => !(name in settings))];
const selected = only.length > 0 ? order.filter((name) => only.includes(name)) : order;
const loadAverage = (): number[] => os.loadavg().map((x) => Number(x.toFixed(1)));

function nameOf(outcome: BenchOutcome): string {
  return outcome.command.match(/bench\/([\w-]+)\.bench\.ts/)?.[1] ?? '';
}

/** Runs one bench; every stdout line that is a JSON object is a figure, anything else is passed on to stderr. */
function runBench(name: string): Promise<BenchOutcome> {
  const bench = settings[name] ?? {};
  const args = [...(bench.nodeArgs ?? []), `bench/${name}.bench.ts`, ...(bench.args ?? [])];
  const envText = Object.entries(bench.env ?? {}).map(([key, value]) => `${key}=${value} `).join('');
  const command = `${envText}node ${args.join(' ')}`;
  const loadAverageBefore = loadAverage();
  const started = performance.now();
  process.stderr.write(`\n── ${name}: ${command}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...process.env, ...bench.env }, stdio: ['ignore', 'pipe', 'inherit'] });
    const figures: Figure[] = [];
    let pending = '';
    const take = (line: string): void => {
      try {
        const parsed = JSON.parse(line) as unknown;
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
          figures.push({ bench: name, ...(parsed as Record<string, unknown>) } as Figure);
          return;
        }
      } catch {
        // not a figure: progress or prose
      }
      if (line.trim() !== '') process.stderr.write(`${line}\n`);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(take);
    });
    child.once('close', (code) => {
      take(pending);
      resolve({ name: bench.title ?? name, command, date: new Date().toISOString(), seconds: (performance.now() - started) / 1000, exitCode: code ?? 1, loadAverageBefore, figures });
    });
  });
}

const speedBefore = measureMachineSpeed();
const outcomes: BenchOutcome[] = [];
for (const name of selected) outcomes.push(await runBench(name));
const speedAfter = measureMachineSpeed();

// A partial run refreshes its benches' sections; the other benches keep theirs (each shows its own date).
const latestFile = `${docsDir}benchmarks-latest.json`;
const previousRun = only.length > 0 && existsSync(latestFile) ? (JSON.parse(readFileSync(latestFile, 'utf8')) as RunReport) : undefined;
const previous: readonly BenchOutcome[] = (previousRun?.benches ?? []).map((bench) => ({ ...bench, date: bench.date ?? previousRun?.date }));
const merged = [...previous.filter((p) => !outcomes.some((o) => o.name === p.name)), ...outcomes]
  .sort((a, b) => order.indexOf(nameOf(a)) - order.indexOf(nameOf(b)));
const figures = merged.flatMap((o) => o.figures);
const cpus = os.cpus();
const report: RunReport = {
  date: new Date().toISOString(),
  command: only.length > 0 ? `npm run bench -- ${only.join(' ')}` : 'npm run bench',
  machine: `${cpus.length} vCPU (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}; `
    + `Kafka at ${process.env.LEDGER_KAFKA_BROKERS ?? '127.0.0.1:9092'}, PostgreSQL at ${(process.env.LEDGER_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test').replace(/:[^:@/]+@/, ':***@')}; `
    + `single-thread reference workload ${speedBefore.referenceMs} ms before the run and ${speedAfter.referenceMs} ms after (bench/runner/machine-speed.ts; lower is faster: compare runs by it); `
    + 'shared with other work (see the load average before each bench)',
  benches: merged,
  targets: checkTargets(figures),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
for (const t of report.targets) process.stderr.write(`${t.outcome.toUpperCase().padEnd(12)} ${t.target}: ${t.measured}${t.limit ? ` (${t.limit})` : ''}\n`);
const doc = `${docsDir}BENCHMARKS.md`;
writeFileSync(doc, withGeneratedSection(readFileSync(doc, 'utf8'), renderRun(report)));
writeFileSync(latestFile, `${JSON.stringify(report, null, 2)}\n`);
process.stderr.write('docs/BENCHMARKS.md and docs/benchmarks-latest.json updated\n');
process.exitCode = outcomes.some((o) => o.exitCode !== 0) ? 1 : 0;

// npm run bench:outbound — a simulated reminder campaign (docs/outbound.md, docs/BENCHMARKS.md), as JSON lines:
//   outbound.campaign     per pacing mode, on the same seeded list: attempts, connects, drops, the campaign and
//                         largest rolling-window abandon rate against the cap, agent idle share, contacts per agent hour
//                         (whole campaign and first shift), event hours the campaign took, wall time of the run
//   outbound.comparison   contacts per agent hour, predictive ÷ preview and predictive ÷ progressive
// The real dialer decider runs at compressed event time against a seeded telephony simulation
// (test/support/outbound-simulation.ts). Options (environment): OUTBOUND_BENCH_CONTACTS (default 50,000),
// OUTBOUND_BENCH_AGENTS (default 50), OUTBOUND_BENCH_SEED (default 7).
import { loadavg } from 'node:os';
import { simulateCampaign, type SimulationResult } from '../test/support/outbound-simulation.ts';

const contacts = Number(process.env.OUTBOUND_BENCH_CONTACTS ?? 50_000);
const agents = Number(process.env.OUTBOUND_BENCH_AGENTS ?? 50);
const seed = Number(process.env.OUTBOUND_BENCH_SEED ?? 7);
const emit = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify({ ...line, at: new Date().toISOString() })}\n`);

const runs = new Map<string, SimulationResult>();
for (const mode of ['PREDICTIVE', 'PROGRESSIVE', 'PREVIEW'] as const) {
  const started = performance.now();
  const result = simulateCampaign({ mode, contacts, agents, seed });
  runs.set(mode, result);
  emit({ bench: 'outbound.campaign', seed, ...result, underCap: result.abandonRate < result.cap && result.maxRollingAbandonRate < result.cap, wallMs: Math.round(performance.now() - started), loadavg1: loadavg()[0] });
}
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
const [predictive, progressive, preview] = ['PREDICTIVE', 'PROGRESSIVE', 'PREVIEW'].map((mode) => runs.get(mode) as SimulationResult);
emit({
  bench: 'outbound.comparison', contacts, agents, seed,
  contactsPerAgentHour: { predictive: predictive.contactsPerAgentHour, progressive: progressive.contactsPerAgentHour, preview: preview.contactsPerAgentHour },
  firstShiftContactsPerAgentHour: { predictive: predictive.firstShift.contactsPerAgentHour, progressive: progressive.firstShift.contactsPerAgentHour, preview: preview.firstShift.contactsPerAgentHour },
  predictiveOverPreview: { campaign: ratio(predictive.contactsPerAgentHour, preview.contactsPerAgentHour), firstShift: ratio(predictive.firstShift.contactsPerAgentHour, preview.firstShift.contactsPerAgentHour) },
  predictiveOverProgressive: { campaign: ratio(predictive.contactsPerAgentHour, progressive.contactsPerAgentHour), firstShift: ratio(predictive.firstShift.contactsPerAgentHour, progressive.firstShift.contactsPerAgentHour) },
});

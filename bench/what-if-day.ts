// One what-if over a simulated day: the traffic simulator and the routing decider produce the
// recording in memory (producers/simulator/offline-day.ts), then the routing what-if replays it
// under a candidate policy. Prints one JSON line: inputs, calls, seconds, the model check
// (baseline − actual) and the candidate's differences for the site. No log, no database.
// Usage: npx node bench/what-if-day.ts [scenario] [hours]
import { defaultWallboardSettings } from '../projections/wallboard/wallboard.projection.ts';
import { resolveScenario } from '../producers/simulator/scenario-files.ts';
import { simulateOffline } from '../producers/simulator/offline-day.ts';
import { routingComponent, routingInputTypes, type RoutingInput } from '../streams/routing/routing.decider.ts';
import { ALL } from '../replay/what-if/kpis.ts';
import { routingWhatIf } from '../replay/what-if/routing-what-if.ts';

const scenarioName = process.argv[2] ?? 'bank-day';
const hours = Number(process.argv[3] ?? 8);
const start = Date.UTC(2026, 0, 5, 0, 0, 0); // 08:00 in Shanghai
const inputs: RoutingInput[] = [];
const accepted = new Set<string>(routingInputTypes);
simulateOffline(resolveScenario(scenarioName), { seed: 7, start, site: 'sh', runTag: 'what-if' }, hours * 3_600_000, (event) => {
  if (accepted.has(event.type) && event.metadata.producer.component !== routingComponent) inputs.push(event as RoutingInput);
});
/** Candidate: customer tiers count for nothing (first come, first served within a queue). */
const candidate = JSON.stringify({ tiers: { VIP: { priority: 0 }, PRIORITY: { priority: 0 }, STANDARD: { priority: 0 }, UNKNOWN: { priority: 0 } }, queues: [{ id: 'retail', requiredSkills: [] }] });
const started = performance.now();
const report = routingWhatIf(inputs, { site: 'sh', from: start, to: start + hours * 3_600_000, candidate: { policyId: 'no-tiers', text: candidate }, settings: defaultWallboardSettings });
const seconds = (performance.now() - started) / 1000;
const site = report.rows.filter((r) => r.queue === ALL);
console.log(JSON.stringify({
  scenario: scenarioName, hours, inputs: inputs.length, calls: report.calls, seconds: Math.round(seconds * 10) / 10, inputsPerSecond: Math.round((2 * inputs.length) / seconds),
  baseline: report.baseline, candidate: report.candidate,
  rows: site.map((r) => ({ tier: r.tier, actual: r.actual, baseline: r.baseline, candidate: r.candidate })),
}));

// A fixed single-thread workload of the kinds the projection fold and the codec spend their time
// on (object building, JSON text, string keys in a large Map), timed so that runs on different
// machines (or on one machine on a slow day) can be compared: the projection and ingest figures
// scale with it. Lower is faster. On 2026-11-26 the same code and log took 1.8x (writing the log)
// to 2.7x (reading it) as long on one 2-vCPU machine as on the one measured earlier that day.

export interface MachineSpeed {
  /** Milliseconds for the reference workload (best of `rounds`). */
  readonly referenceMs: number;
  readonly rounds: number;
}

function referenceWorkload(): number {
  const documents = new Map<string, { state: { n: number; queue: string; at: number }; ids: string[] }>();
  let bytes = 0;
  for (let i = 0; i < 200_000; i += 1) {
    const key = `interaction:call-${i % 50_000}`;
    const document = documents.get(key) ?? { state: { n: 0, queue: 'cards', at: 0 }, ids: [] };
    document.state = { ...document.state, n: document.state.n + 1, at: i };
    document.ids.push(`event-${i}`);
    documents.set(key, document);
    bytes += JSON.stringify(document).length;
  }
  return bytes;
}

export function measureMachineSpeed(rounds = 3): MachineSpeed {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    referenceWorkload();
    best = Math.min(best, performance.now() - started);
  }
  return { referenceMs: Math.round(best), rounds };
}

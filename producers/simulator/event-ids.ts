// Event ids of a simulator run. The envelope's contract is that an id is unique per event
// (consumers deduplicate on it), so two runs must never share one, while one run stays
// reproducible (the same seed, start and run tag give the same ids). A run's ids therefore share
// a prefix drawn from those and count up after it, in the UUID version 8 layout (RFC 9562: custom
// content): 60 bits of SHA-256 of the run's identity, then 60 bits of counter. Drawing them from the seeded random sequence, as before, gave every run with the same
// seed the same ids: after a restart of `make run` the projections dropped the simulated agents'
// logins as duplicates of the previous run's, and the wallboard showed no agent.
import { createHash } from 'node:crypto';

/** The 15 hex digits every id of a run starts with. */
export function eventIdPrefix(run: { readonly seed: number; readonly start: number; readonly runTag: string }): string {
  return createHash('sha256').update(`call-ledger/simulator/${run.seed}/${run.start}/${run.runTag}`).digest('hex').slice(0, 15);
}

/** The `n`th event id (n ≥ 1) of the run whose prefix is given. */
export function simulatorEventId(prefix: string, n: number): string {
  const count = n.toString(16).padStart(15, '0');
  return `${prefix.slice(0, 8)}-${prefix.slice(8, 12)}-8${prefix.slice(12, 15)}-8${count.slice(0, 3)}-${count.slice(3)}`;
}

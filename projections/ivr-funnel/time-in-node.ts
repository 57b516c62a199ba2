// Time in an IVR node as a mergeable distribution: visits counted in fixed buckets, so days,
// flows and nodes add up by summing counts, and a median is read from the sums. Precision: the
// median lies inside the bucket reported and is interpolated linearly within it, so it is off by
// at most the bucket's width — 1 s up to 30 s, 5 s up to 2 min, 30 s up to 10 min, 60 s up to
// 30 min; beyond 30 min only "at least 30 min" is known.
export const TIME_BUCKET_EDGES_MS: readonly number[] = [
  ...Array.from({ length: 30 }, (_, i) => (i + 1) * 1_000),
  ...Array.from({ length: 18 }, (_, i) => 35_000 + i * 5_000),
  ...Array.from({ length: 16 }, (_, i) => 150_000 + i * 30_000),
  ...Array.from({ length: 20 }, (_, i) => 660_000 + i * 60_000),
];
/** Upper bound of the open last bucket (beyond the last edge). */
export const OPEN_TIME_BUCKET = Number.MAX_SAFE_INTEGER;

/** The inclusive upper bound of the bucket a duration falls in. */
export function timeBucketOf(ms: number): number {
  for (const edge of TIME_BUCKET_EDGES_MS) if (ms <= edge) return edge;
  return OPEN_TIME_BUCKET;
}

/** Median of a bucketed distribution (upper bound → visits), interpolated within its bucket; null when empty. */
export function medianOf(buckets: ReadonlyMap<number, number>): number | null {
  const uppers = [...buckets.keys()].sort((a, b) => a - b);
  const total = uppers.reduce((n, upper) => n + (buckets.get(upper) ?? 0), 0);
  if (total === 0) return null;
  const half = total / 2;
  let below = 0;
  for (const upper of uppers) {
    const count = buckets.get(upper) ?? 0;
    if (count > 0 && below + count >= half) {
      const index = TIME_BUCKET_EDGES_MS.indexOf(upper);
      const lower = upper === OPEN_TIME_BUCKET ? TIME_BUCKET_EDGES_MS[TIME_BUCKET_EDGES_MS.length - 1] : index > 0 ? TIME_BUCKET_EDGES_MS[index - 1] : 0;
      if (upper === OPEN_TIME_BUCKET) return lower;
      return Math.round(lower + ((half - below) / count) * (upper - lower));
    }
    below += count;
  }
  return null;
}

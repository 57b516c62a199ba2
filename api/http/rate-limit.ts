// Token buckets per source system: `capacity` events of burst, refilled at `ratePerSecond`.
// Time comes from the injected clock, so specs drive it without timers.
export interface TakeResult {
  readonly allowed: boolean;
  /** Seconds until `count` tokens are available (Retry-After), when refused. */
  readonly retryAfterSeconds: number;
}

export class TokenBuckets {
  private readonly capacity: number;
  private readonly ratePerSecond: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: { capacity: number; ratePerSecond: number; now: () => number }) {
    this.capacity = options.capacity;
    this.ratePerSecond = options.ratePerSecond;
    this.now = options.now;
  }

  /** Takes `count` tokens from `key`'s bucket, all or nothing. */
  take(key: string, count = 1): TakeResult {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.capacity, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    if (count > this.capacity) return { allowed: false, retryAfterSeconds: Math.ceil(count / this.ratePerSecond) };
    if (bucket.tokens >= count) {
      bucket.tokens -= count;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((count - bucket.tokens) / this.ratePerSecond)) };
  }
}

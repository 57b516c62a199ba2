// kafkajs 2.2.4 on Node 24: RequestQueue.scheduleCheckPendingRequests computes its delay as
// `throttledUntil - Date.now()` with throttledUntil = -1 when not throttled, so with nothing
// pending it arms setTimeout(-1.7e12): Node warns (TimeoutNegativeWarning) and clamps it to 1 ms,
// a wake-up per connection for nothing (tulios/kafkajs#1751; fixes proposed in #1755/#1768, not
// released). This applies the fix discussed there: with nothing pending and no throttle, schedule
// nothing — a new request or a fulfilled one schedules the check again. Remove with kafkajs > 2.2.4.
import { createRequire } from 'node:module';

interface RequestQueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

const CHECK_PENDING_REQUESTS_INTERVAL = 10; // kafkajs' own constant in requestQueue/index.js

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueInternals };

export const requestQueuePatched = true;

RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId) return;
  let delay = this.throttledUntil - Date.now();
  if (this.pending.length > 0) delay = delay > 0 ? delay : CHECK_PENDING_REQUESTS_INTERVAL;
  else if (delay <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
};

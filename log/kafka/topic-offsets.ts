import type { Admin } from 'kafkajs';

/** Attempts at kafkajs' empty answer before it is reported (100 ms, 200 ms, … apart: ~1.5 s in all). */
const SETTLING_ATTEMPTS = 5;

/**
 * admin.fetchTopicOffsets, asked again while a topic's metadata is still settling (just created,
 * a leader moving): kafkajs may then get no offsets back and fail with "Cannot destructure
 * property 'partitions' of 'high.pop(...)'" (kafkajs issue #461, open). If it persists, the
 * failure is reported as retriable, for the caller's own retry loop.
 */
export async function topicOffsets(admin: Admin, topic: string, pauseMs = 100): ReturnType<Admin['fetchTopicOffsets']> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (!(error instanceof TypeError && /destructure property 'partitions'/.test(error.message))) throw error;
      if (attempt >= SETTLING_ATTEMPTS) throw Object.assign(new Error(`no offsets of '${topic}' yet (topic metadata settling): ${error.message}`), { retriable: true });
      await new Promise((resolve) => setTimeout(resolve, pauseMs * attempt));
    }
  }
}

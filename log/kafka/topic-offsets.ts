import type { Admin } from 'kafkajs';

/**
 * admin.fetchTopicOffsets, with its empty answer made retriable: while a topic's metadata is
 * still settling (just created, a leader moving), kafkajs may get no offsets back and fail with
 * "Cannot destructure property 'partitions' of 'high.pop(...)'" (kafkajs issue #461, open).
 */
export async function topicOffsets(admin: Admin, topic: string): ReturnType<Admin['fetchTopicOffsets']> {
  try {
    return await admin.fetchTopicOffsets(topic);
  } catch (error) {
    if (error instanceof TypeError && /destructure property 'partitions'/.test(error.message)) {
      throw Object.assign(new Error(`no offsets of '${topic}' yet (topic metadata settling): ${error.message}`), { retriable: true });
    }
    throw error;
  }
}

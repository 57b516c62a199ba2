// A stream position over several topics: the next offset to deliver per topic and partition.
// It is the SSE event id, so a client reconnecting with Last-Event-ID resumes exactly there.
// Text form: `t.p.o` triples joined by `~`, t the index of the topic in the stream's topic list.
export type Cursor = Map<string, number>;

export const cursorKey = (topic: string, partition: number): string => `${topic}#${partition}`;

export function formatCursor(cursor: Cursor, topics: readonly string[]): string {
  const parts: string[] = [];
  for (const [key, offset] of cursor) {
    const at = key.lastIndexOf('#');
    parts.push(`${topics.indexOf(key.slice(0, at))}.${key.slice(at + 1)}.${offset}`);
  }
  return parts.join('~');
}

/** Parses a Last-Event-ID; undefined when it is not one of ours (the stream then starts at the end). */
export function parseCursor(text: string | undefined, topics: readonly string[]): Cursor | undefined {
  if (!text || text.length > 4096 || !/^\d+\.\d+\.\d+(~\d+\.\d+\.\d+)*$/.test(text)) return undefined;
  const cursor: Cursor = new Map();
  for (const triple of text.split('~')) {
    const [t, p, o] = triple.split('.').map(Number);
    const topic = topics[t];
    if (topic === undefined || !Number.isSafeInteger(o)) return undefined;
    cursor.set(cursorKey(topic, p), o);
  }
  return cursor;
}

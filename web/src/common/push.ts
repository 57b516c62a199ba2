/// <reference lib="dom" />
// Server push over EventSource. The browser resends Last-Event-ID by itself when a connection
// drops; when it gives up (the server answered with an error, e.g. during a restart) this opens
// a new stream with ?lastEventId= so the server replays the log from where the page was —
// nothing is missed. A record cut halfway is sent again, so messages are deduplicated by eventId.

export type PushStatus = 'connecting' | 'live' | 'reconnecting';

export interface PushOptions {
  readonly path: string;
  readonly token: string;
  readonly handlers: Readonly<Record<string, (data: Record<string, unknown>) => void>>;
  readonly onStatus: (status: PushStatus) => void;
}

export function openPush(options: PushOptions): { close(): void } {
  let lastEventId: string | null = null;
  let source: EventSource | null = null;
  let closed = false;
  const seen = new Set<string>();
  const remember = (eventId: string): boolean => {
    if (seen.has(eventId)) return false;
    seen.add(eventId);
    if (seen.size > 5000) seen.delete(seen.values().next().value as string);
    return true;
  };
  const connect = () => {
    const query = new URLSearchParams({ access_token: options.token, ...(lastEventId ? { lastEventId } : {}) });
    const es = new EventSource(`${options.path}?${query.toString()}`);
    source = es;
    options.onStatus('connecting');
    es.addEventListener('hello', (event) => {
      const message = event as MessageEvent<string>;
      if (message.lastEventId) lastEventId = message.lastEventId;
      options.onStatus('live');
    });
    for (const [name, handle] of Object.entries(options.handlers)) {
      es.addEventListener(name, (event) => {
        const message = event as MessageEvent<string>;
        if (typeof message.data !== 'string') return; // a connection error, not a server's `error` message
        if (message.lastEventId) lastEventId = message.lastEventId;
        const data = JSON.parse(message.data) as Record<string, unknown>;
        if (typeof data.eventId === 'string' && !remember(data.eventId)) return;
        handle(data);
      });
    }
    es.addEventListener('error', () => {
      if (closed) return;
      options.onStatus('reconnecting');
      if (es.readyState === EventSource.CLOSED) setTimeout(() => { if (!closed) connect(); }, 2000);
    });
  };
  connect();
  return {
    close() {
      closed = true;
      source?.close();
    },
  };
}

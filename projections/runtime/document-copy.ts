// Encodes entity documents as PostgreSQL binary COPY rows of `entity_state (key, state, recent_ids)`:
// a rebuild writes each document of its fresh version once or twice, and COPY loads them without
// the JSON-to-record conversion and conflict check of an upsert (the state is parsed once, as
// jsonb). Format: https://www.postgresql.org/docs/current/sql-copy.html ("Binary Format"); jsonb's
// binary form is a version byte (1) and the JSON text; text[] is array_send's layout.
import { copyHeader, copyTrailer } from '../../log/embedded/copy-binary.ts';

export { copyHeader, copyTrailer };

/** Column order of every row: must match the COPY column list. */
export const documentColumns = '(key, state, recent_ids)';

const TEXT_OID = 25;

export interface DocumentRow {
  readonly key: string;
  readonly state: unknown;
  readonly recentIds: readonly string[];
}

/** One buffer holding the rows (no header or trailer). */
export function encodeDocuments(documents: readonly DocumentRow[]): Buffer {
  const keys: string[] = [];
  const states: string[] = [];
  let size = 0;
  for (const document of documents) {
    const state = JSON.stringify(document.state);
    keys.push(document.key);
    states.push(state);
    // field count, key, state (version byte), recent_ids (5 header words + per element a length)
    size += 2 + 4 + Buffer.byteLength(document.key) + 4 + 1 + Buffer.byteLength(state) + 4 + 20;
    for (const id of document.recentIds) size += 4 + Buffer.byteLength(id);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < documents.length; i += 1) {
    at = out.writeInt16BE(3, at);
    const keyLength = out.write(keys[i], at + 4);
    at = out.writeInt32BE(keyLength, at) + keyLength;
    const stateLength = out.write(states[i], at + 5);
    at = out.writeInt32BE(stateLength + 1, at);
    at = out.writeUInt8(1, at) + stateLength;
    const ids = documents[i].recentIds;
    const arrayStart = at;
    at += 4;
    at = out.writeInt32BE(1, at); // dimensions
    at = out.writeInt32BE(0, at); // no nulls
    at = out.writeInt32BE(TEXT_OID, at);
    at = out.writeInt32BE(ids.length, at);
    at = out.writeInt32BE(1, at); // lower bound
    for (const id of ids) {
      const idLength = out.write(id, at + 4);
      at = out.writeInt32BE(idLength, at) + idLength;
    }
    out.writeInt32BE(at - arrayStart - 4, arrayStart);
  }
  if (at !== size) throw new Error(`document COPY encoding: wrote ${at} bytes, expected ${size}`);
  return out;
}

// Decodes the rows of `COPY (select "offset", key, headers, value, "timestamp" …) TO STDOUT WITH
// (FORMAT binary)`: the fastest way to read the log back. A plain query sends each value as hex
// text (twice its size, decoded back to bytes in Node) and each number and header as text; in
// binary COPY a value arrives as its bytes. Format: https://www.postgresql.org/docs/current/sql-copy.html
// ("Binary Format"); the json type's binary form is its text, int8 is 8 bytes big-endian.
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { LogRecord } from '../port.ts';
import { copySignature } from './copy-binary.ts';

export interface StoredRow {
  readonly offset: number;
  readonly key: string | null;
  readonly headers: Record<string, string>;
  readonly value: Buffer;
  readonly timestamp: number;
}

/** The select list the decoder expects, in this order. */
const storedColumns = '"offset", key, headers, value, "timestamp"';

const FIELDS = 5;

export class CopyFormatError extends Error {
  override readonly name = 'CopyFormatError';
}

/** Rows of a whole binary COPY output (header, tuples, trailer). Values are copies, not views of `data`. */
export function decodeStoredRows(data: Buffer): StoredRow[] {
  if (data.length < 19 || !data.subarray(0, copySignature.length).equals(copySignature)) throw new CopyFormatError('not a binary COPY stream (signature)');
  let at = copySignature.length + 4; // signature, flags
  at += 4 + data.readInt32BE(at); // header extension
  const rows: StoredRow[] = [];
  for (;;) {
    const fields = data.readInt16BE(at);
    at += 2;
    if (fields === -1) return rows;
    if (fields !== FIELDS) throw new CopyFormatError(`expected ${FIELDS} fields per row, got ${fields}`);
    const offsetLength = data.readInt32BE(at);
    const offset = Number(data.readBigInt64BE(at + 4));
    at += 4 + offsetLength;
    const keyLength = data.readInt32BE(at);
    at += 4;
    const key = keyLength === -1 ? null : data.toString('utf8', at, at + keyLength);
    if (keyLength > 0) at += keyLength;
    const headersLength = data.readInt32BE(at);
    at += 4;
    // json's binary form is its text; jsonb's is a version byte (1) and the text (no JSON text starts with it).
    const headersText = data[at] === 1 ? at + 1 : at;
    const headers = JSON.parse(data.toString('utf8', headersText, at + headersLength)) as Record<string, string>;
    at += headersLength;
    const valueLength = data.readInt32BE(at);
    at += 4;
    const value = Buffer.from(data.subarray(at, at + valueLength)); // a copy: the batch's buffer is not kept alive by one record
    at += valueLength;
    const timestampLength = data.readInt32BE(at);
    const timestamp = Number(data.readBigInt64BE(at + 4));
    at += 4 + timestampLength;
    rows.push({ offset, key, headers, value, timestamp });
  }
}

/** A number written into SQL text (COPY takes no parameters): an integer, or refused. */
function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not an integer: ${value}`);
  return String(value);
}

export interface StoredRange {
  /** Quoted, schema-qualified name of the events table. */
  readonly table: string;
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  /** Exclusive end; null: up to the end of the partition. */
  readonly to: number | null;
  readonly limit: number;
}

/** The records of a partition from `from` (at most `limit`, in offset order), by binary COPY. */
export async function readRecords(pool: pg.Pool, range: StoredRange): Promise<LogRecord[]> {
  // COPY takes no parameters: the topic is quoted as a literal, the numbers are integers.
  const select = `select ${storedColumns} from ${range.table}
    where topic = ${pg.escapeLiteral(range.topic)} and partition = ${integer(range.partition)} and "offset" >= ${integer(range.from)}${range.to === null ? '' : ` and "offset" < ${integer(range.to)}`}
    order by "offset" limit ${integer(range.limit)}`;
  const client = await pool.connect();
  let chunks: Buffer[];
  try {
    chunks = [];
    for await (const chunk of client.query(copyTo(`copy (${select}) to stdout with (format binary)`))) chunks.push(chunk as Buffer);
  } catch (error) {
    client.release(error as Error); // a COPY broken off may leave the connection mid-protocol: not reused
    throw error;
  }
  client.release();
  const { topic, partition } = range;
  return decodeStoredRows(Buffer.concat(chunks)).map((row) => ({ topic, partition, ...row }));
}

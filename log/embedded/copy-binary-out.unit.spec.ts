import { expect } from 'chai';
import { CopyFormatError, decodeStoredRows } from './copy-binary-out.ts';

function field(bytes: Buffer | null): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes === null ? -1 : bytes.length);
  return bytes === null ? length : Buffer.concat([length, bytes]);
}

function int8(value: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(value);
  return out;
}

function tuple(offset: bigint, key: string | null, headers: string, value: Buffer, timestamp: bigint): Buffer {
  const count = Buffer.alloc(2);
  count.writeInt16BE(5);
  return Buffer.concat([count, field(int8(offset)), field(key === null ? null : Buffer.from(key, 'utf8')), field(Buffer.from(headers, 'utf8')), field(value), field(int8(timestamp))]);
}

// What PostgreSQL sends: signature, flags, an (here non-empty) header extension, tuples, trailer.
const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), Buffer.from([0, 0, 0, 2, 0xaa, 0xbb])]);
const trailer = Buffer.from([0xff, 0xff]);

describe('binary COPY decoding of stored log rows', () => {
  it('reads offset, key, headers, value and timestamp of each row, in order', () => {
    const data = Buffer.concat([
      header,
      tuple(5_000_000_000n, 'ix-转-1', '{"ledger_source":"g|t|0|7|0"}', Buffer.from([0x00, 0xff, 0x0a]), 1_764_000_000_000n),
      tuple(5_000_000_001n, null, '{}', Buffer.alloc(0), 1_764_000_000_001n),
      trailer,
    ]);
    const rows = decodeStoredRows(data);
    expect(rows).to.deep.equal([
      { offset: 5_000_000_000, key: 'ix-转-1', headers: { ledger_source: 'g|t|0|7|0' }, value: Buffer.from([0x00, 0xff, 0x0a]), timestamp: 1_764_000_000_000 },
      { offset: 5_000_000_001, key: null, headers: {}, value: Buffer.alloc(0), timestamp: 1_764_000_000_001 },
    ]);
    data.fill(0); // values are copies: they outlive the batch's buffer
    expect(rows[0].value).to.deep.equal(Buffer.from([0x00, 0xff, 0x0a]));
  });

  it('reads an empty result (header and trailer only)', () => {
    expect(decodeStoredRows(Buffer.concat([header, trailer]))).to.deep.equal([]);
  });

  it('refuses what is not binary COPY output, or rows of another shape', () => {
    expect(() => decodeStoredRows(Buffer.from('offset,key\n1,a\n'))).to.throw(CopyFormatError, /signature/);
    const three = Buffer.concat([header, Buffer.from([0, 3]), trailer]);
    expect(() => decodeStoredRows(three)).to.throw(CopyFormatError, /expected 5 fields per row, got 3/);
  });
});

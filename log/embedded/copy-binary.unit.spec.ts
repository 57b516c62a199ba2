import { expect } from 'chai';
import { copyHeader, copyTrailer, encodeRows } from './copy-binary.ts';

describe('binary COPY encoding', () => {
  it('starts with the PGCOPY signature, no flags and no header extension, and ends with -1', () => {
    expect(copyHeader().toString('hex')).to.equal('5047434f50590aff0d0a00' + '00000000' + '00000000');
    expect(copyTrailer().toString('hex')).to.equal('ffff');
  });

  it('encodes a row as seven length-prefixed fields in column order', () => {
    const row = encodeRows([{ topic: 'ab', partition: 3, offset: 5, key: 'k', headers: '{}', value: Buffer.from([0xff, 0x00]), timestamp: 258 }]);
    expect(row.toString('hex')).to.equal(
      [
        '0007',
        '00000002' + '6162', // topic 'ab'
        '00000004' + '00000003', // partition 3
        '00000008' + '0000000000000005', // offset 5
        '00000001' + '6b', // key 'k'
        '00000002' + '7b7d', // headers '{}'
        '00000002' + 'ff00', // value
        '00000008' + '0000000000000102', // timestamp 258
      ].join(''),
    );
  });

  it('encodes a null key as length -1 and multi-byte text as UTF-8', () => {
    const row = encodeRows([{ topic: '转', partition: 0, offset: 0, key: null, headers: '{}', value: Buffer.alloc(0), timestamp: 0 }]);
    expect(row.subarray(2, 9).toString('hex')).to.equal('00000003' + 'e8bdac');
    expect(row.subarray(9 + 8 + 12, 9 + 8 + 12 + 4).toString('hex')).to.equal('ffffffff');
  });
});

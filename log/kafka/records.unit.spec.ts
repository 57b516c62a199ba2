import { expect } from 'chai';
import { headersToStrings, toKafkaMessage, toLogRecord } from './records.ts';

describe('kafka records', () => {
  describe('headers from kafkajs', () => {
    it('become UTF-8 strings, a repeated header keeping its last value', () => {
      expect(headersToStrings({ ce_id: Buffer.from('évt-1'), ce_type: 'X', multi: [Buffer.from('a'), Buffer.from('b')], gone: undefined }))
        .to.deep.equal({ ce_id: 'évt-1', ce_type: 'X', multi: 'b' });
    });
  });

  describe('an appended record', () => {
    it('keeps key, value, headers and timestamp and names its partition', () => {
      const value = Buffer.from([0, 1, 2]);
      expect(toKafkaMessage({ topic: 't', key: 'k', value, headers: { h: 'v' }, timestamp: 1_700_000_000_000 }, 4)).to.deep.equal({
        key: 'k', value, partition: 4, headers: { h: 'v' }, timestamp: '1700000000000',
      });
    });
  });

  describe('a consumed message', () => {
    it('becomes a LogRecord with numeric offset and timestamp, a null key staying null', () => {
      const record = toLogRecord('t', 2, {
        key: null, value: Buffer.from('v'), timestamp: '1700000000001', attributes: 0, offset: '41', headers: { h: Buffer.from('x') },
      });
      expect(record).to.deep.equal({
        topic: 't', partition: 2, offset: 41, key: null, value: Buffer.from('v'), headers: { h: 'x' }, timestamp: 1_700_000_000_001,
      });
    });
  });
});

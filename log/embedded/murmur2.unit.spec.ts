import { expect } from 'chai';
import { createRequire } from 'node:module';
import { murmur2, partitionForKey, toPositive } from './murmur2.ts';

// Golden vectors from the Java client's UtilsTest.testMurmur2.
const javaVectors: ReadonlyArray<readonly [string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer | string) => number;

describe('murmur2 partitioner', () => {
  describe('against the Java client golden vectors', () => {
    for (const [input, expected] of javaVectors) {
      it(`hashes '${input}' to ${expected}`, () => {
        expect(murmur2(Buffer.from(input))).to.equal(expected);
      });
    }
  });

  describe('against kafkajs', () => {
    it('picks the same partition for many keys and partition counts', () => {
      for (let i = 0; i < 2000; i++) {
        const key = `interaction-${i}-${'x'.repeat(i % 7)}`;
        for (const partitions of [1, 3, 6, 12]) {
          expect(partitionForKey(key, partitions), key).to.equal(toPositive(kafkajsMurmur2(Buffer.from(key))) % partitions);
        }
      }
    });

    it('agrees on non-ASCII keys (UTF-8 bytes)', () => {
      for (const key of ['转账', '验证码', '安全账户', 'émile']) {
        expect(murmur2(Buffer.from(key))).to.equal(kafkajsMurmur2(Buffer.from(key)));
      }
    });
  });
});

import { expect } from 'chai';
import { cursorKey, formatCursor, parseCursor } from './log-cursor.ts';

describe('log cursor (SSE event id)', () => {
  const topics = ['ledger.interactions', 'ledger.agents'];
  describe('when formatted and parsed back', () => {
    it('gives the same positions', () => {
      const cursor = new Map([[cursorKey('ledger.interactions', 0), 12], [cursorKey('ledger.agents', 5), 7]]);
      const text = formatCursor(cursor, topics);
      expect(text).to.equal('0.0.12~1.5.7');
      expect(parseCursor(text, topics)).to.deep.equal(cursor);
    });
  });
  describe('when the id is not ours', () => {
    it('is ignored rather than trusted', () => {
      expect(parseCursor("1'; drop table x; --", topics)).to.equal(undefined);
      expect(parseCursor('9.0.1', topics)).to.equal(undefined);
      expect(parseCursor(undefined, topics)).to.equal(undefined);
    });
  });
});

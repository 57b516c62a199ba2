import { expect } from 'chai';
import { toCsv } from './csv.ts';

describe('CSV export', () => {
  describe('when cells hold commas, quotes, newlines or formulas', () => {
    it('quotes them and disarms formulas', () => {
      expect(toCsv([{ a: 'x,y', b: 'say "hi"', c: '=HYPERLINK("x")', d: null, e: 3 }])).to.equal('a,b,c,d,e\r\n"x,y","say ""hi""","\'=HYPERLINK(""x"")",,3\r\n');
    });
  });
});

import { expect } from 'chai';
import { selectorOf } from './audit.ts';

describe('audit verify command', () => {
  describe('when given what to verify', () => {
    it('selects an interaction, a customer or everything', () => {
      expect(selectorOf({ interaction: 'ix-1' })).to.deep.equal({ interactionId: 'ix-1' });
      expect(selectorOf({ customer: 'C-1' })).to.deep.equal({ customerId: 'C-1' });
      expect(selectorOf({ all: true })).to.deep.equal({ all: true });
    });

    it('refuses none or more than one, naming the options', () => {
      expect(() => selectorOf({})).to.throw(/exactly one of --interaction <id>, --customer <id> or --all/);
      expect(() => selectorOf({ interaction: 'ix-1', all: true })).to.throw(/exactly one of/);
    });
  });
});

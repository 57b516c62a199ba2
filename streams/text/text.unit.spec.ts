import { expect } from 'chai';
import { AhoCorasick } from './aho-corasick.ts';
import { normalise, normaliseTerm } from './normalise.ts';
import { TermIndex } from './term-index.ts';

describe('text normalisation', () => {
  it('turns full-width forms into half-width, folds case and removes punctuation', () => {
    expect(normalise('ＯＴＰ，验证码！Verification-Code').text).to.equal('otp验证码verification code');
  });

  it('drops spaces between Chinese characters but keeps one between English words', () => {
    expect(normalise('验证 码  是   多少  please   TELL me').text).to.equal('验证码是多少please tell me');
  });

  it('maps every normalised character back to the original text', () => {
    const original = '请把，验证码 告诉我';
    const n = normalise(original);
    const start = n.text.indexOf('验证码');
    expect(original.slice(n.origin[start], n.origin[start + 2] + 1)).to.equal('验证码');
  });

  it('normalises terms the same way as text', () => {
    expect(normaliseTerm("Don't tell")).to.equal('dont tell');
  });
});

describe('Aho–Corasick matcher', () => {
  it('finds overlapping patterns in one pass', () => {
    const ac = new AhoCorasick(['he', 'she', 'his', 'hers'], { wordBoundaries: false });
    const found = ac.search('ushers').map((m) => `${ac.patterns[m.pattern]}@${m.start}`);
    expect(found).to.have.members(['she@1', 'he@2', 'hers@2']);
  });

  it('finds Chinese patterns anywhere, including one inside another', () => {
    const ac = new AhoCorasick(['安全账户', '账户', '转账']);
    const found = ac.search('把钱转账到安全账户').map((m) => ac.patterns[m.pattern]);
    expect(found).to.have.members(['转账', '安全账户', '账户']);
  });

  it('matches English patterns only on word boundaries', () => {
    const ac = new AhoCorasick(['otp']);
    expect(ac.search('hotpot otp')).to.deep.equal([{ pattern: 0, start: 7, end: 10 }]);
  });

  it('refuses an empty pattern', () => {
    expect(() => new AhoCorasick(['a', ''])).to.throw('pattern 1 is empty');
  });
});

describe('term index', () => {
  it('reports hits per group with the original span', () => {
    const index = new TermIndex(new Map([['code', ['验证码', 'verification code']], ['tell', ['告诉', 'tell']]]));
    const text = '他让我把ＯＴＰ，就是验证码、告诉他';
    const { hits } = index.scan(text);
    expect(hits.map((h) => [h.group, text.slice(h.originalStart, h.originalEnd)])).to.deep.equal([['code', '验证码'], ['tell', '告诉']]);
  });
});

import { expect } from 'chai';
import { decisionId, uuidV5 } from './uuid-v5.ts';

describe('uuidV5', function () {
  it('matches the RFC 9562 example (www.example.com in the DNS namespace)', function () {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).to.equal('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives a decision the same id for the same input and index, and a different one otherwise', function () {
    const id = decisionId('streams/routing', '00000000-0000-4000-8000-000000000001', 0);
    expect(decisionId('streams/routing', '00000000-0000-4000-8000-000000000001', 0)).to.equal(id);
    expect(decisionId('streams/routing', '00000000-0000-4000-8000-000000000001', 1)).to.not.equal(id);
    expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { expect } from 'chai';
import { catalogue } from './catalogue.ts';
import { repoRoot } from './tools/generate.ts';

function newParser(): Parser {
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  return parser;
}

describe('docs/asyncapi.yaml', function () {
  it('is a valid AsyncAPI 3.0 document describing every topic and event type', async function () {
    this.timeout(60_000); // parsing and linting ~60 embedded Avro schemas is slow; not a timing assertion
    const parser = newParser();
    const source = readFileSync(join(repoRoot, 'docs/asyncapi.yaml'), 'utf8');
    const { document, diagnostics } = await parser.parse(source);
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    for (const warning of diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Error)) {
      console.warn(`  asyncapi ${DiagnosticSeverity[warning.severity]}: ${warning.message} at ${warning.path.join('.')}`);
    }
    expect(errors.map((e) => `${e.message} at ${e.path.join('.')}`)).to.deep.equal([]);
    expect(document).to.not.equal(undefined);
    const cat = catalogue();
    const addresses = document!.channels().all().map((channel) => channel.address());
    expect([...addresses].sort()).to.deep.equal([...cat.topics]);
    const messageIds = document!.components().messages().all().map((message) => message.id());
    expect([...messageIds].sort()).to.deep.equal(cat.all.map((event) => event.type).sort());
  });

  it('is checked by the Avro schema parser (a broken embedded schema is an error)', async function () {
    this.timeout(60_000);
    const source = readFileSync(join(repoRoot, 'docs/asyncapi.yaml'), 'utf8').replace('type: "record"', 'type: "recrod"');
    const { diagnostics } = await newParser().parse(source);
    expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)).to.not.be.empty;
  });
});

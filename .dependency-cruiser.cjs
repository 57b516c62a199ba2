// Architecture boundaries from DESIGN.md, checked on every `npm test` (npm run lint).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'schemas-is-the-contract', comment: 'schemas/ imports no transport, processor or store', severity: 'error',
      from: { path: '^schemas/', pathNot: '\\.spec\\.ts$' }, to: { path: '^(log|streams|projections|producers|replay|api|web|cli|platform)/' } },
    { name: 'log-knows-only-schemas', severity: 'error',
      from: { path: '^log/', pathNot: '\\.spec\\.ts$|^log/contract/' }, to: { path: '^(streams|projections|producers|replay|api|web|cli)/' } },
    { name: 'streams-decide-from-the-log', comment: 'a replay must reproduce every decision from the log and the policy versions', severity: 'error',
      from: { path: '^streams/' }, to: { path: '^(projections|api|web|replay|producers)/|node_modules/(express|knex)/' } },
    { name: 'projections-decide-nothing', severity: 'error',
      from: { path: '^projections/' }, to: { path: '^(streams|api|web|replay|producers)/|node_modules/express/' } },
    { name: 'pure-files-do-no-io', comment: 'deciders and projection evolves import no kafkajs, knex, pg, express or avsc', severity: 'error',
      from: { path: '\\.(decider|projection)\\.ts$' }, to: { path: 'node_modules/(kafkajs|knex|pg|express|avsc)/|^log/|^platform/' } },
    { name: 'kafkajs-behind-one-folder', comment: 'kafkajs is looking for maintainers; keep it replaceable', severity: 'error',
      from: { path: '^(?!log/kafka/|bench/|test/)', pathNot: '\\.spec\\.ts$' }, to: { path: 'node_modules/kafkajs/' } },
    { name: 'api-imported-only-by-the-entry-point', severity: 'error',
      from: { path: '^(?!api/|cli/|test/)' }, to: { path: '^api/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(\\.run|web/dist|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};

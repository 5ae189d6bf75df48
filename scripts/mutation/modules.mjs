// The decision modules under mutation testing (issue #25): the code that protects users' vaults
// (ownership, echoes, newest-wins, deletion, the mass-deletion breaker, topology, pacing and
// backoff, ingress authentication and parsing). Each module runs in its own workspace so that
// the tests import the mutated files by relative path; `tests` are the test files whose job is
// to state the module's rules (unit tier: a mutation run starts them once per surviving mutant).

/** @typedef {{ name: string, workspace: string, mutate: string[], tests: string[] }} MutationModule */

/** @type {readonly MutationModule[]} */
export const MUTATION_MODULES = [
  {
    // The decisions every kind shares: ownership, two-way, deletion, disabled source, recover.
    name: 'converge-decisions',
    workspace: 'libs/replication',
    mutate: ['src/converge/**/*.ts', '!src/converge/**/*.test.ts', '!src/converge/**/*.fixture.ts'],
    tests: ['src/converge/**/*.test.ts'],
  },
  {
    name: 'converge-secret',
    workspace: 'services/replicator',
    mutate: [
      'src/converge/**/*.ts',
      '!src/converge/**/*.test.ts',
      '!src/converge/converge-fixtures.ts',
    ],
    tests: ['src/converge/**/*.test.ts'],
  },
  {
    name: 'converge-certificate',
    workspace: 'services/certificate-converter',
    mutate: [
      'src/converge/**/*.ts',
      '!src/converge/**/*.test.ts',
      '!src/converge/converge-fixtures.ts',
    ],
    tests: ['src/converge/**/*.test.ts'],
  },
  {
    name: 'reconcile-diff-and-breaker',
    workspace: 'services/discovery',
    // The one listing diff (both kinds), the kinds' comparison rules and the breaker.
    mutate: [
      'src/reconcile/diff-*.ts',
      'src/reconcile/listing-diff.ts',
      'src/reconcile/listing-kind.ts',
      'src/reconcile/listing-kinds.ts',
      'src/reconcile/deletion-breaker.ts',
      '!src/reconcile/**/*.test.ts',
    ],
    tests: [
      'src/reconcile/diff-*.test.ts',
      'src/reconcile/deletion-breaker.test.ts',
      'src/reconcile/diff-certificate-ownership.test.ts',
      'src/reconcile/listing-observations.test.ts',
    ],
  },
  {
    name: 'topology',
    workspace: 'libs/core',
    mutate: ['src/topology/**/*.ts', '!src/topology/**/*.test.ts'],
    // Resolution is driven through the configuration it resolves: the refusals (loops, fan-in,
    // naming patterns that make the source itself) are stated in refused-config.test.ts.
    tests: [
      'src/topology/**/*.test.ts',
      'src/config/load-config.test.ts',
      'src/config/refused-config.test.ts',
    ],
  },
  {
    name: 'provenance',
    workspace: 'libs/core',
    mutate: ['src/provenance/provenance.ts'],
    tests: ['src/provenance/**/*.test.ts'],
  },
  {
    name: 'pacing-and-backoff',
    workspace: 'libs/keyvault',
    mutate: ['src/pacing/**/*.ts', '!src/pacing/**/*.test.ts'],
    tests: ['src/pacing/**/*.test.ts'],
  },
  {
    // One retry module for every schedule (issue #19): Key Vault throttling, redelivery, tasks.
    name: 'retry-policies',
    workspace: 'libs/core',
    mutate: ['src/retry/**/*.ts', '!src/retry/**/*.test.ts'],
    tests: ['src/retry/**/*.test.ts'],
  },
  {
    // Split from one 809-mutant module (issue #25): each half fits a run of well under an hour.
    name: 'ingress-auth',
    workspace: 'services/ingress',
    // The authentication in front of the routes (`http/auth-guard.ts`) and the delivery and
    // handshake handlers it guards are part of the rule, not only the credential checks.
    mutate: [
      'src/auth/**/*.ts',
      'src/http/auth-guard.ts',
      'src/handlers/webhook-delivery.ts',
      '!src/**/*.test.ts',
    ],
    // Unit tier only: an integration test would start an emulator once per mutant.
    tests: ['src/auth/**/*.test.ts', 'src/http/**/!(*.int).test.ts'],
  },
  {
    name: 'ingress-parsing',
    workspace: 'services/ingress',
    // Event Grid and CloudEvents deliveries read into our events, as Microsoft documents them.
    mutate: ['src/eventgrid/**/*.ts', '!src/**/*.test.ts'],
    tests: [
      'src/eventgrid/**/*.test.ts',
      'src/http/documented-payloads.test.ts',
      'src/http/webhook-delivery-rules.test.ts',
      'src/intake/**/*.test.ts',
    ],
  },
];

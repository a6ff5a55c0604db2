/**
 * The import rules of the tree (dependency-cruiser, run by `npm test`):
 * - no import circles;
 * - runtime code never imports test code (test files, testing/ helpers);
 * - which folders may import which (gateway/README.md, "The tree"), for runtime code: tests and
 *   test helpers may set up any room. No exception is listed: every import of the tree obeys them.
 */
const TESTS = ['\\.test\\.ts$', '/testing/', '^gateway/e2e/'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import circles make start order and tests fragile: split the shared part into its own file.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-test-code-at-runtime',
      severity: 'error',
      comment: 'Runtime code must not import test files or test helpers.',
      from: { path: '^(gateway|cloud-bridge)/', pathNot: ['\\.test\\.ts$', '/testing/', '^gateway/e2e/'] },
      to: { path: ['\\.test\\.ts$', '/testing/'] },
    },
    {
      name: 'room-to-room',
      severity: 'error',
      comment:
        "A room reaches another room only through the typed services the controller hands it: the interfaces in gateway/core/services.ts or in the providing room's services.ts (shared code goes to gateway/lib/).",
      from: { path: '^gateway/rooms/([^/]+)/', pathNot: TESTS },
      to: { path: '^gateway/rooms/', pathNot: ['^gateway/rooms/$1/', '^gateway/rooms/[^/]+/services\\.ts$'] },
    },
    {
      name: 'room-services-type-only',
      severity: 'error',
      comment: "Another room's services.ts is imported for its types only (`import type`): the object itself comes from the controller.",
      from: { path: '^gateway/rooms/([^/]+)/', pathNot: TESTS },
      to: { path: '^gateway/rooms/[^/]+/services\\.ts$', pathNot: '^gateway/rooms/$1/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'lib-not-rooms',
      severity: 'error',
      comment: 'A shared library knows no room, uplink, tool or composition: rooms use it, not the reverse.',
      from: { path: '^gateway/lib/', pathNot: TESTS },
      to: { path: ['^gateway/rooms/', '^cloud-bridge/', '^gateway/(cli|doctor)/', '^gateway/(controller|events|check-config)\\.ts$'] },
    },
    {
      name: 'core-store-take-values',
      severity: 'error',
      comment: 'gateway/core and gateway/store know no room, library, uplink or config section: the room passes them the values they need.',
      from: { path: '^gateway/(core|store)/', pathNot: TESTS },
      to: {
        path: [
          '^gateway/rooms/',
          '^cloud-bridge/',
          '^gateway/(cli|doctor)/',
          '^gateway/config/(sections/|schema\\.ts$)',
          '^gateway/(controller|check-config)\\.ts$',
        ],
      },
    },
    {
      name: 'core-store-no-lib',
      severity: 'error',
      comment: 'Only the service interfaces (gateway/core/services.ts) name library types in core; core and store use no library.',
      from: { path: '^gateway/(core|store)/', pathNot: [...TESTS, '^gateway/core/services\\.ts$'] },
      to: { path: '^gateway/lib/' },
    },
    {
      name: 'config-not-rooms',
      severity: 'error',
      comment: 'The config schema knows no room, uplink or tool: a rule shared with a room lives in gateway/lib/.',
      from: { path: '^gateway/config/', pathNot: TESTS },
      to: { path: ['^gateway/rooms/', '^cloud-bridge/', '^gateway/(cli|doctor)/', '^gateway/(controller|check-config)\\.ts$'] },
    },
    {
      name: 'bridge-not-rooms',
      severity: 'error',
      comment:
        "The cloud bridge depends on the gateway's core, store, config and libraries, never on a room, a tool or the composition root.",
      from: { path: '^cloud-bridge/', pathNot: TESTS },
      to: { path: ['^gateway/rooms/', '^gateway/(cli|doctor)/', '^gateway/(controller|check-config)\\.ts$'] },
    },
    {
      name: 'gateway-not-bridge',
      severity: 'error',
      comment: 'Only the composition (controller.ts, events.ts, check-config.ts) and the tools (cli/, doctor/) import cloud-bridge/.',
      from: {
        path: '^gateway/',
        pathNot: [...TESTS, '^gateway/(controller|events|check-config)\\.ts$', '^gateway/(cli|doctor)/'],
      },
      to: { path: '^cloud-bridge/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^models/', '^\\.cache/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};

/**
 * The import rules of the tree (dependency-cruiser, run by `npm test`):
 * - no import circles;
 * - runtime code never imports test code (test files, testing/ helpers);
 * More rules (which folders may import which) come with the tree's rooms in one place.
 */
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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^models/', '^\\.cache/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};

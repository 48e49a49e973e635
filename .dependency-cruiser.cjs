/**
 * The layer rule, checked by `npm run lint`. Each layer may use only the layers before it:
 *
 *   domain → ingest, store, export, web → services → demo → server → cli
 *
 * domain is pure (no I/O, no other layer); ingest, store, export and web each stand on domain alone.
 * platform (starting worker threads) stands on Node alone, for any layer that does I/O.
 */
const layer = (name) => `^src/${name}/`;
const only = (name, allowed) => ({
  name: `${name}-uses-only-${allowed.join('-') || 'itself'}`,
  comment: `src/${name} may use only ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'itself'}`,
  severity: 'error',
  from: { path: layer(name) },
  to: { path: '^src/', pathNot: [layer(name), ...allowed.map(layer)] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other cannot be understood, tested or moved one at a time',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-has-no-io',
      comment: 'src/domain holds rules and types only: no Node built-ins, no database, no files',
      severity: 'error',
      from: { path: layer('domain') },
      to: { dependencyTypes: ['core'] },
    },
    only('domain', []),
    only('platform', []),
    only('ingest', ['domain', 'platform']),
    only('store', ['domain', 'platform']),
    only('export', ['domain']),
    only('web', ['domain']),
    only('services', ['domain', 'platform', 'ingest', 'store', 'export', 'web']),
    only('demo', ['domain', 'platform', 'ingest', 'store', 'export', 'web', 'services']),
    only('server', ['domain', 'platform', 'ingest', 'store', 'export', 'web', 'services']),
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Browser scripts are served as they are, not imported by the server.
    exclude: { path: '^src/web/static/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};

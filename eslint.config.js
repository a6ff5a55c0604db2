import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** @typescript-eslint/naming-convention options; `keys` are the formats plain object keys may take. */
function namingConvention(keys) {
  const members = ['objectLiteralProperty', 'typeProperty', 'classProperty', 'objectLiteralMethod', 'typeMethod'];
  return [
    { selector: 'default', format: ['camelCase'], leadingUnderscore: 'allow' },
    { selector: 'variable', format: ['camelCase', 'UPPER_CASE'], leadingUnderscore: 'allow' },
    // Destructuring takes the names the object has (a report's snake_case fields).
    { selector: ['variable', 'parameter'], modifiers: ['destructured'], format: null },
    { selector: 'typeLike', format: ['PascalCase'] },
    { selector: 'enumMember', format: ['PascalCase', 'UPPER_CASE'] },
    { selector: 'import', format: ['camelCase', 'PascalCase'] },
    { selector: members, modifiers: ['requiresQuotes'], format: null },
    // Environment variable names (SHARPEYES__NODE__ID) as keys of an env object.
    { selector: members, filter: { regex: '^[A-Z][A-Z0-9]*(__[A-Z0-9]+)+$', match: true }, format: null },
    { selector: members, filter: { regex: '^\\w*_\\w*$', match: true }, format: ['snake_case', 'UPPER_CASE'], leadingUnderscore: 'allow' },
    { selector: members, format: [...keys, 'UPPER_CASE'], leadingUnderscore: 'allow' },
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'models/**', '.cache/**', 'var/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        AbortController: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // A caught value is `unknown`: read it through gateway/core/errors.ts, log it as it is.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='String'][arguments.length=1][arguments.0.name=/^(err|error|e|reason|cause)$/]",
          message: 'errMessage(err) from gateway/core/errors.ts, or log { err } as it is (the logger writes it as text).',
        },
        {
          selector: "TSAsExpression[typeAnnotation.typeName.name='Error']",
          message: 'A caught value is unknown, not an Error: errMessage(err) / errCode(err) from gateway/core/errors.ts.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'better-sqlite3', message: 'Only gateway/store/database.ts imports better-sqlite3.' },
            { name: 'mqtt', message: 'Only cloud-bridge/mqtt/mqtt-client.ts imports mqtt.' },
            { name: 'onnxruntime-node', message: 'Only the inference worker imports onnxruntime-node.' },
            { name: 'serialport', message: 'Only gateway/rooms/devices/transport/serial.ts imports serialport.' },
            { name: 'fluent-ffmpeg', message: 'Only the ffmpeg process wrapper imports fluent-ffmpeg.' },
            { name: 'sharp', message: 'Only gateway/lib/imaging/image.ts imports sharp.' },
            { name: 'prom-client', message: 'Only gateway/rooms/console/metrics/metrics.ts imports prom-client.' },
          ],
        },
      ],
    },
  },
  {
    // Names follow the code base's convention: camelCase values and functions, PascalCase types and
    // classes, UPPER_CASE for constants, a leading underscore for what is deliberately unused.
    // Object keys are names of a format as often as our own: a key that needs quotes
    // ('devices/list', 'content-type', 'camera.offline') is the format's, and a key with an
    // underscore must be proper snake_case (SQL columns, the JSON of reports and benches, wire
    // values such as error codes) or UPPER_CASE; PascalCase keys only where an outside format
    // spells them so (the override below).
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/naming-convention': ['error', ...namingConvention(['camelCase'])],
    },
  },
  {
    // Outside formats with PascalCase keys: GA/T 1400 JSON, GB/T 28181 XML, RTSP headers, ONVIF's
    // library exports and replies, Intl's weekday names, systemd unit keys.
    files: [
      'cloud-bridge/gat1400/**/*.ts',
      'cloud-bridge/gb28181/**/*.ts',
      'cloud-bridge/testing/viid-*.ts',
      'gateway/lib/rtsp/**/*.ts',
      'gateway/lib/onvif/**/*.ts',
      'gateway/rooms/access/group-policy.ts',
      'scripts/onvif-sim/**/*.ts',
      'scripts/systemd-unit.test.ts',
    ],
    rules: {
      '@typescript-eslint/naming-convention': ['error', ...namingConvention(['camelCase', 'PascalCase'])],
    },
  },
  {
    // Tool configs in CommonJS (.dependency-cruiser.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // The console's pages: plain ES modules run by the browser, no build step.
    files: ['gateway/rooms/console/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        navigator: 'readonly',
        URLSearchParams: 'readonly',
        URL: 'readonly',
        EventSource: 'readonly',
        FileReader: 'readonly',
        Image: 'readonly',
        Blob: 'readonly',
        AudioContext: 'readonly',
        localStorage: 'readonly',
        Node: 'readonly',
        Event: 'readonly',
        JSMpeg: 'readonly',
        fetch: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        console: 'readonly',
      },
    },
  },
  {
    files: [
      'gateway/store/database.ts',
      'cloud-bridge/mqtt/mqtt-client.ts',
      '**/*.test.ts',
      'scripts/bench/**',
      'gateway/rooms/devices/transport/serial.ts',
      'gateway/lib/inference/**',
      'gateway/lib/imaging/image.ts',
      'gateway/lib/ffmpeg/**',
      'gateway/rooms/console/metrics/metrics.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
);

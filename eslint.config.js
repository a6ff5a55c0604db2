import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
            { name: 'mqtt', message: 'Only cloud-bridge/mqtt-client.ts imports mqtt.' },
            { name: 'onnxruntime-node', message: 'Only the inference worker imports onnxruntime-node.' },
            { name: 'serialport', message: 'Only gateway/devices/transport/serial.ts imports serialport.' },
            { name: 'fluent-ffmpeg', message: 'Only the ffmpeg process wrapper imports fluent-ffmpeg.' },
            { name: 'sharp', message: 'Only gateway/imaging/image.ts imports sharp.' },
            { name: 'prom-client', message: 'Only gateway/console/metrics/metrics.ts imports prom-client.' },
          ],
        },
      ],
    },
  },
  {
    // Tool configs in CommonJS (.dependency-cruiser.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // The console's pages: plain ES modules run by the browser, no build step.
    files: ['gateway/console/public/**/*.js'],
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
      'cloud-bridge/mqtt-client.ts',
      '**/*.test.ts',
      'scripts/bench/**',
      'gateway/devices/transport/serial.ts',
      'gateway/inference/**',
      'gateway/imaging/image.ts',
      'gateway/cameras/ffmpeg/**',
      'gateway/console/metrics/metrics.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
);

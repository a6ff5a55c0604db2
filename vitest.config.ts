import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['gateway/**/*.test.ts', 'cloud-bridge/**/*.test.ts', 'scripts/**/*.test.ts', 'device-profiles/**/*.test.ts'],
    // Tests start real peers (ffmpeg, mosquitto, GStreamer, socat, the daemon itself) on 2 cores:
    // generous limits; speed is measured by the benchmarks, not here.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One scratch folder per run (TMPDIR), removed at the end: tests leave nothing in /tmp.
    globalSetup: ['gateway/testing/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // CI reads the JSON report for its closing "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.cache/vitest-report.json' }]] : ['default'],
  },
});

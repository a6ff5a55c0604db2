import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError } from './errors.js';
import { parseConfig, readSecretFile, redactConfig } from './load.js';

const opts = { source: 'test.yaml', baseDir: '/etc/sharpeyes', env: {} };

function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, { ...opts, env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('an empty file gives the embedded defaults', () => {
    const { config, nodeId } = parseConfig('', opts);
    expect(config.cloud.url).toBeUndefined();
    expect(config.cloud.topicPrefix).toBe('sharpeyes');
    expect(config.cloud.tls.rejectUnauthorized).toBe(true);
    expect(config.node.dataDir).toBe('var');
    expect(nodeId).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('names the path, the bad value and what is allowed', () => {
    expect(problems('node:\n  logLevel: loud\n')).toEqual([
      'node.logLevel: got "loud", allowed: "fatal", "error", "warn", "info", "debug", "trace", "silent"',
    ]);
    expect(problems('cloud:\n  keepaliveS: "thirty"\n')).toEqual(['cloud.keepaliveS: got "thirty", expected number']);
    expect(problems('cloud:\n  embeddedPort: 70000\n')).toEqual(['cloud.embeddedPort: got 70000, must be <= 65535']);
    expect(problems('cloud:\n  url: http://example\n')[0]).toMatch(
      /^cloud\.url: got "http:\/\/example", an mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\/ URL$/,
    );
  });

  it('refuses unknown keys, including inline passwords', () => {
    expect(problems('cloud:\n  password: hunter2\nnodes: {}\n').sort()).toEqual([
      'cloud.password: unknown key (secrets are never inline: put it in a file readable only by the gateway and name it with passwordFile)',
      'nodes: unknown key (check the spelling; see the config reference in README.md)',
    ]);
  });

  it('reports YAML syntax errors with their position, and a non-mapping document', () => {
    expect(problems('cloud: [unclosed\n')[0]).toMatch(/^YAML syntax at line \d+, column \d+/);
    expect(problems('- a\n- b\n')[0]).toMatch(/expected a mapping of sections/);
    expect(problems('node: {id: a}\nnode: {id: b}\n')[0]).toMatch(/YAML syntax.*unique|YAML syntax/i);
  });

  it('refuses an alias bomb and an alias to no anchor as config errors, not crashes (found by bench faults)', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${`*${String.fromCharCode(97 + i)}, `.repeat(9)}*${String.fromCharCode(97 + i)}]`).join('\n')}\n`;
    expect(problems(bomb)[0]).toMatch(/^YAML aliases: Excessive alias count/);
    expect(problems('node: *nowhere\n')[0]).toMatch(/^YAML aliases: Unresolved alias/);
    expect(problems('node: { id: !!js/function "x" }\n')[0]).toMatch(
      /^YAML at line 1, column \d+: Unresolved tag: tag:yaml.org,2002:js\/function/,
    );
  });

  it('applies environment overrides with their types, and names them on error', () => {
    const { config, nodeId } = parseConfig('node: {id: from-file}\n', {
      ...opts,
      env: {
        SHARPEYES__NODE__ID: 'from-env',
        SHARPEYES__CLOUD__KEEPALIVES: '45',
        SHARPEYES__CLOUD__TLS__REJECTUNAUTHORIZED: 'false',
        OTHER: 'x',
      },
    });
    expect(nodeId).toBe('from-env');
    expect(config.cloud.keepaliveS).toBe(45);
    expect(config.cloud.tls.rejectUnauthorized).toBe(false);
    // Any camelCase key of any room's section, not only a known list.
    const cams = parseConfig('', {
      ...opts,
      env: { SHARPEYES__CAMERAS__LIVEVIEW__MAXVIEWERS: '3', SHARPEYES__CAMERAS__STALLTIMEOUTS: '30' },
    }).config.cameras;
    expect([cams.liveView.maxViewers, cams.stallTimeoutS]).toEqual([3, 30]);
    expect(problems('', { SHARPEYES__CLOUD__KEEPALIVES: 'soon' })).toEqual([
      'cloud.keepaliveS: got "soon", expected number',
      '(environment overrides applied: cloud.keepaliveS)',
    ]);
  });

  it('reads secrets from files and refuses world-readable ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-secret-'));
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    chmodSync(join(dir, 'pw'), 0o600);
    expect(readSecretFile({ baseDir: dir }, 'pw', 'cloud.passwordFile')).toBe('s3cret');
    chmodSync(join(dir, 'pw'), 0o644);
    expect(() => readSecretFile({ baseDir: dir }, 'pw', 'cloud.passwordFile')).toThrow(/readable by every user/);
    expect(() => readSecretFile({ baseDir: dir }, 'missing', 'cloud.passwordFile')).toThrow(/cannot read secret file/);
  });

  it('redacts secrets and URL credentials', () => {
    expect(
      redactConfig({ cloud: { url: 'mqtts://bob:pw@host:8883', passwordFile: '/etc/pw', username: 'bob' }, cameras: [{ password: 'x' }] }),
    ).toEqual({
      cloud: { url: 'mqtts://bob:***@host:8883', passwordFile: '***', username: 'bob' },
      cameras: [{ password: '***' }],
    });
  });

  it('the daemon refuses to start on a bad config and says why (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-cfg-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'node:\n  logLevel: loud\n  dataDir: ' + dir + '\n');
    const run = promisify(execFile);
    const err = await run(process.execPath, ['scripts/sharpeyes.mjs', 'start', '--config', file]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain(`invalid configuration (${file})`);
    expect(err?.stderr).toContain('node.logLevel: got "loud", allowed:');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gateway } from './support.js';

/**
 * The README's first command: the gateway on its embedded defaults (demo camera, simulated
 * barrier and alarm post, embedded broker, console), seen from the platform's side of MQTT.
 */
describe('gateway on its embedded defaults', () => {
  const gw = new Gateway('quickstart');
  beforeAll(() => gw.start(), 180_000);
  afterAll(() => gw.stop());

  it('says it is online, and the console answers: healthy, and nothing without a login', async () => {
    await expect
      .poll(() => gw.platform?.json('/status').at(-1), { timeout: 30_000 })
      .toMatchObject({ state: 'online', nodeId: 'quickstart' });
    const consoleLine = await gw.daemon.waitForLog((l) => l.msg === 'console listening');
    const health = await fetch(new URL('healthz', consoleLine.url as string));
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok', started: true, store: 'ok', version: expect.any(String) }]);
    const session = (await (await fetch(new URL('api/session', consoleLine.url as string))).json()) as { setupNeeded: boolean };
    expect(session).toMatchObject({ authenticated: false, setupNeeded: true }); // no default password: sharpeyes users add
    expect((await fetch(new URL('api/status', consoleLine.url as string))).status).toBe(401);
  });

  it("opens the simulated barrier on the platform's request", async () => {
    await gw.waitForEvent('device.online', (d) => d.deviceId === 'gate-1', 90_000);
    const r = await gw.request('gate/open', { gateId: 'gate-1' });
    expect(r).toMatchObject({ status: 'ok', data: { gateId: 'gate-1', ok: true } });
    await gw.waitForEvent(
      'gate.command',
      (d) => d.deviceId === 'gate-1' && d.command === 'open' && d.ok === true && d.origin === 'platform',
    );
  });

  it('delivers an alarm press with a picture from the linked camera, and its acknowledgement', async () => {
    await gw.waitForEvent('device.online', (d) => d.deviceId === 'alarm-1', 90_000);
    await gw.waitForEvent('camera.online', (d) => d.cameraId === 'demo', 90_000);
    const press = await gw.request('devices/simulate', { deviceId: 'alarm-1', control: 'press button' });
    expect(press.status).toBe('ok');
    const raised = await gw.waitForEvent('alarm.raised', (d) => d.deviceId === 'alarm-1');
    const picture = await gw.waitForEvent('alarm.snapshot', (d) => d.deviceId === 'alarm-1');
    expect(picture.data).toMatchObject({ cameraId: 'demo', snapshotId: expect.any(String) });
    expect(picture.seq).toBeGreaterThan(raised.seq);
    await gw.request('devices/simulate', { deviceId: 'alarm-1', control: 'release button' });
    const ack = await gw.request('alarm/ack', { deviceId: 'alarm-1', note: 'guard-7 on the way' });
    expect(ack).toMatchObject({ status: 'ok', data: { acknowledged: true } });
    await gw.waitForEvent('alarm.acknowledged', (d) => d.by === 'platform' && d.note === 'guard-7 on the way');
    expect(await gw.request('alarm/ack', { deviceId: 'alarm-1' })).toMatchObject({ status: 'error', code: 'not_found' });
  });

  it('stops cleanly on SIGTERM and says offline', async () => {
    const code = await gw.daemon.kill('SIGTERM');
    expect(code).toBe(0);
    await expect.poll(() => gw.platform?.json('/status').at(-1), { timeout: 10_000 }).toMatchObject({ state: 'offline' });
  });
});

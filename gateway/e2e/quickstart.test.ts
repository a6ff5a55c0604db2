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

  it('says it is online, and the console answers', async () => {
    await expect
      .poll(() => gw.platform?.json('/status').at(-1), { timeout: 30_000 })
      .toMatchObject({ state: 'online', nodeId: 'quickstart' });
    const consoleLine = await gw.daemon.waitForLog((l) => l.msg === 'console listening');
    const status = (await (await fetch(new URL('api/status', consoleLine.url as string))).json()) as { nodeId: string; actions: string[] };
    expect(status).toMatchObject({ nodeId: 'quickstart' });
    expect(status.actions).toEqual(expect.arrayContaining(['gate/open', 'alarm/ack', 'cameras/list', 'residents/add', 'vehicles/add']));
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

  it('delivers an alarm press with a picture from the linked camera, its acknowledgement, and a second press as a second alarm', async () => {
    await gw.waitForEvent('device.online', (d) => d.deviceId === 'alarm-1', 90_000);
    await gw.waitForEvent('camera.online', (d) => d.cameraId === 'demo', 90_000);
    const press = await gw.request('devices/simulate', { deviceId: 'alarm-1', control: 'press button' });
    expect(press.status).toBe('ok');
    const raised = (await gw.waitForEvent('alarm.raised', (d) => d.deviceId === 'alarm-1')) as { seq: number; data: { alarmId: string } };
    const picture = await gw.waitForEvent('alarm.snapshot', (d) => d.deviceId === 'alarm-1');
    expect(picture.data).toMatchObject({ alarmId: raised.data.alarmId, cameraId: 'demo', snapshotId: expect.any(String) });
    expect(picture.seq).toBeGreaterThan(raised.seq);
    const ack = await gw.request('alarm/ack', { deviceId: 'alarm-1', note: 'guard-7 on the way' });
    expect(ack).toMatchObject({ status: 'ok', data: { alarmId: raised.data.alarmId, state: 'acknowledged' } });
    await gw.waitForEvent('alarm.acknowledged', (d) => d.by === 'platform' && d.note === 'guard-7 on the way');
    expect(await gw.request('alarm/ack', { deviceId: 'alarm-1' })).toMatchObject({ status: 'error', code: 'not_found' });
    // The README's flow, twice: the button sprang back, the next press is a new alarm.
    await new Promise((r) => setTimeout(r, 1000));
    await gw.request('devices/simulate', { deviceId: 'alarm-1', control: 'press button' });
    const second = (await gw.waitForEvent('alarm.raised', (d) => d.deviceId === 'alarm-1' && d.alarmId !== raised.data.alarmId)) as {
      data: { alarmId: string };
    };
    expect(await gw.request('alarm/ack', { deviceId: 'alarm-1' })).toMatchObject({ status: 'ok', data: { alarmId: second.data.alarmId } });
    for (const alarmId of [raised.data.alarmId, second.data.alarmId])
      expect(await gw.request('alarm/resolve', { alarmId, note: 'checked on site' })).toMatchObject({
        status: 'ok',
        data: { state: 'resolved' },
      });
  });

  it('stops cleanly on SIGTERM and says offline', async () => {
    const code = await gw.daemon.kill('SIGTERM');
    expect(code).toBe(0);
    await expect.poll(() => gw.platform?.json('/status').at(-1), { timeout: 10_000 }).toMatchObject({ state: 'offline' });
  });
});

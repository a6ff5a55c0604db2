import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loopFs, loopFsAvailable, type LoopFs } from '../../gateway/testing/loop-fs.js';
import { bootRequestNode } from '../testing/request-node.js';

/**
 * A request answered is never forgotten by the replay guard, not even by a power cut right after
 * the answer: the data folder is on a real ext4 file system (a loop device), and the moment the
 * platform has the answer the disk image is copied: that copy is the disk after a power cut then
 * (what was only in the page cache is not in it; a kill -9 loses less, the page cache survives
 * it). The gateway started on the copy refuses the captured request as a replay. Without the
 * nonce file's fsync before the answer (gateway/core/nonce-file.ts) the copy lacks the nonce and
 * the replay is taken.
 */
describe.skipIf(!loopFsAvailable())('replays after a power cut right after the answer (ext4 on a loop device)', () => {
  const disks: LoopFs[] = [];
  const added: string[] = [];
  afterAll(() => {
    for (const d of disks.reverse()) d.dispose();
  });

  it('the captured request is refused by the gateway started on the disk as it was at the answer', async () => {
    const disk = loopFs({ sizeMb: 32 });
    if (!disk) throw new Error('mounting an ext4 image on a loop device failed');
    disks.push(disk);
    const topic = 'sharpeyes/gw-r/from/platform/request/vehicles/add';
    const first = await bootRequestNode(join(disk.dir, 'var'), added);
    let cut: LoopFs | undefined;
    const captured = { transaction: 'add-1', input: { plate: '粤B12445' }, ts: new Date().toISOString(), nonce: 'power-cut-0001' };
    try {
      // Let the start-up writes settle, so the copy differs from the disk only by this request.
      await new Promise((r) => setTimeout(r, 500));
      expect(await first.send(topic, captured)).toMatchObject({ status: 'ok' });
      cut = loopFs({ copyOf: disk.image }); // the power cut, at the answer
    } finally {
      await first.stop();
    }
    if (!cut) throw new Error('mounting the copied image failed');
    disks.push(cut);
    const second = await bootRequestNode(join(cut.dir, 'var'), added);
    try {
      expect(await second.send(topic, captured)).toMatchObject({ status: 'error', code: 'replayed' });
      expect(added).toEqual(['粤B12445']);
    } finally {
      await second.stop();
    }
  });
});

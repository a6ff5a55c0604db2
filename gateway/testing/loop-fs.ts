import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real ext4 file system on a loop device, for tests and benches that need a disk that fills up
 * or fsyncs for real (a tmpfs does neither: fsync is free there). The image lives in a temporary
 * folder on the host's disk; `mount -o loop` picks a free loop device. Needs root (the tests and
 * benches run as root here); `loopFs()` answers undefined where mounting is not allowed, so the
 * caller can skip with a clear message.
 */
export interface LoopFs {
  /** The mounted file system's root. */
  dir: string;
  /** The image file behind the loop device: what the "disk" holds (a copy of it now is a power cut now). */
  image: string;
  /** Fills the file system to the last block (a file `.filler` at its root). */
  fill(): void;
  /** Removes the filler: space again. */
  free(): void;
  /** Unmounts and deletes the image. */
  dispose(): void;
}

/** Whether `loopFs` can work here (root, loop devices, mkfs.ext4), without mounting anything. */
export function loopFsAvailable(): boolean {
  return process.getuid?.() === 0 && existsSync('/dev/loop-control') && spawnSync('mkfs.ext4', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * A new ext4 image of `sizeMb`, mounted; or, with `copyOf`, a copy of another image mounted (a
 * copy taken while that one is mounted is its disk after a power cut at that moment: what was
 * not fsynced is not in it, and mounting replays ext4's journal).
 */
export function loopFs(opts: { sizeMb?: number; copyOf?: string } = {}): LoopFs | undefined {
  const base = mkdtempSync(join(tmpdir(), 'se-loopfs-'));
  const image = join(base, 'fs.img');
  const dir = join(base, 'mnt');
  const filler = join(dir, '.filler');
  try {
    if (opts.copyOf) copyFileSync(opts.copyOf, image);
    else {
      execFileSync('truncate', ['-s', `${opts.sizeMb ?? 32}M`, image]);
      // -m 0: no blocks reserved for root, so "full" is full for the tests (which run as root).
      execFileSync('mkfs.ext4', ['-q', '-F', '-m', '0', image], { stdio: 'ignore' });
    }
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('mount', ['-o', 'loop', image, dir], { stdio: 'ignore' });
  } catch {
    rmSync(base, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    image,
    fill() {
      // dd stops with "No space left on device": that is the point.
      spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
      spawnSync('sync', ['-f', filler], { stdio: 'ignore' });
    },
    free() {
      rmSync(filler, { force: true });
      spawnSync('sync', ['-f', dir], { stdio: 'ignore' });
    },
    dispose() {
      if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

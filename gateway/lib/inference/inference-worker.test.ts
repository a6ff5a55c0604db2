import { describe, expect, it } from 'vitest';
import { InferenceWorker, StaleFrameError } from './inference-worker.js';
import { modelsPrepared, modelPath } from './models.js';

const MODEL = 'face-detect-rfb320.onnx';
const ready = modelsPrepared([MODEL]);
if (!ready) console.warn('inference-worker tests skipped: run `npm run models` first');

describe.skipIf(!ready)('InferenceWorker (onnxruntime in a worker thread)', () => {
  const input = () => ({ input: { type: 'float32' as const, dims: [1, 3, 240, 320], data: new Float32Array(3 * 240 * 320) } });

  it('loads a model, reports its tensors and runs it off the main thread', async () => {
    const w = new InferenceWorker('test');
    try {
      const info = await w.load('det', modelPath(MODEL));
      expect(info.inputs).toEqual([{ name: 'input', type: 'float32', shape: [1, 3, 240, 320] }]);
      expect(info.outputs.map((o) => o.name)).toEqual(['scores', 'boxes']);
      // The main thread keeps ticking while the worker computes. One run can end (a few ms) before
      // the first 1 ms tick is due on a quiet box, so it ticks across several.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      let out = await w.run('det', input());
      for (let i = 0; i < 9; i++) out = await w.run('det', input());
      clearInterval(timer);
      expect(out.scores?.dims).toEqual([1, 4420, 2]);
      expect(out.boxes?.data).toBeInstanceOf(Float32Array);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      await w.close();
    }
  });

  it('replaces a waiting frame with a newer one of the same key and counts the drop', async () => {
    const w = new InferenceWorker('test');
    try {
      await w.load('det', modelPath(MODEL));
      const first = w.run('det', input(), { dropKey: 'cam1' });
      const second = w.run('det', input(), { dropKey: 'cam1' }).catch((err: unknown) => err); // waits behind the first
      const third = w.run('det', input(), { dropKey: 'cam1' }); // replaces the second
      await expect(first).resolves.toBeDefined();
      expect(await second).toBeInstanceOf(StaleFrameError);
      await expect(third).resolves.toBeDefined();
      expect(w.stats.dropped).toBe(1);
    } finally {
      await w.close();
    }
  });

  it('reports a clear error for a missing model and an unknown tensor name', async () => {
    const w = new InferenceWorker('test');
    try {
      await expect(w.load('x', '/nonexistent.onnx')).rejects.toThrow(/nonexistent/);
      await w.load('det', modelPath(MODEL));
      await expect(w.run('det', { wrong: input().input })).rejects.toThrow(/input/);
      // The worker still works afterwards.
      await expect(w.run('det', input())).resolves.toBeDefined();
    } finally {
      await w.close();
    }
  });
});

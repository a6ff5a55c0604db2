/**
 * Worker-thread side of inference: the only file that imports onnxruntime-node. A session's
 * run() blocks its calling thread (onnxruntime issues #19611, #26968), so sessions live here,
 * never on the main thread where serial I/O, gate commands and MQTT run.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { ModelInfo, Reply, Request, TensorOut, ValueInfo } from './protocol.js';
import { errMessage } from '../../core/errors.js';

if (!parentPort) throw new Error('onnx-worker must run in a worker thread');
const port = parentPort;
const sessions = new Map<string, ort.InferenceSession>();

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return meta.map((m) => ({
    name: m.name,
    type: m.isTensor ? String(m.type) : 'non-tensor',
    shape: m.isTensor ? m.shape.map((d) => (typeof d === 'number' ? d : String(d))) : [],
  }));
}

async function handle(msg: Request): Promise<{ reply: Reply; transfer: ArrayBuffer[] }> {
  switch (msg.type) {
    case 'load': {
      const old = sessions.get(msg.model);
      if (old) await old.release();
      const session = await ort.InferenceSession.create(msg.path, {
        intraOpNumThreads: msg.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
      sessions.set(msg.model, session);
      const info: ModelInfo = { inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) };
      return { reply: { type: 'loaded', id: msg.id, info }, transfer: [] };
    }
    case 'run': {
      const session = sessions.get(msg.model);
      if (!session) throw new Error(`model ${msg.model} is not loaded`);
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const t0 = performance.now();
      const results = await session.run(feeds);
      const ms = performance.now() - t0;
      const outputs: Record<string, TensorOut> = {};
      const transfer: ArrayBuffer[] = [];
      for (const [name, tensor] of Object.entries(results)) {
        const data = tensor.data as TensorOut['data'];
        outputs[name] = { type: tensor.type, dims: [...tensor.dims], data };
        if (data.buffer instanceof ArrayBuffer && !transfer.includes(data.buffer)) transfer.push(data.buffer);
      }
      return { reply: { type: 'result', id: msg.id, outputs, ms }, transfer };
    }
    case 'unload': {
      await sessions.get(msg.model)?.release();
      sessions.delete(msg.model);
      return { reply: { type: 'done', id: msg.id }, transfer: [] };
    }
  }
}

port.on('message', (msg: Request) => {
  handle(msg).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (err: unknown) => port.postMessage({ type: 'error', id: msg.id, message: errMessage(err) } satisfies Reply),
  );
});

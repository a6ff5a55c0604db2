/** Messages between the main thread and an ONNX worker thread (structured-clone friendly). */
export type TensorType = 'float32' | 'uint8' | 'int32' | 'int64';
export type TensorData = Float32Array | Uint8Array | Int32Array | BigInt64Array;

export interface TensorIn {
  type: TensorType;
  dims: readonly number[];
  data: TensorData;
}
export interface TensorOut {
  type: string;
  dims: number[];
  data: TensorData;
}

export interface ValueInfo {
  name: string;
  type: string;
  /** Symbolic dimensions are strings (e.g. "batch"), fixed ones numbers. */
  shape: Array<number | string>;
}
export interface ModelInfo {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export type Request =
  | { type: 'load'; id: number; model: string; path: string; threads: number }
  | { type: 'run'; id: number; model: string; feeds: Record<string, TensorIn> }
  | { type: 'unload'; id: number; model: string };

export type Reply =
  | { type: 'loaded'; id: number; info: ModelInfo }
  | { type: 'result'; id: number; outputs: Record<string, TensorOut>; ms: number }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string };

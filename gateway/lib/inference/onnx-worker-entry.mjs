// Worker entry: lets the worker thread load the TypeScript sources (tsx) like the main thread.
import { register } from 'tsx/esm/api';

register();
await import('./onnx-worker.ts');

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadProfileFile, PROFILES_DIR } from '../../../gateway/lib/device-profiles/profiles.ts';
import { FramedCodec } from '../../../gateway/rooms/devices/codec/framed.ts';
import { FrameReader } from '../../../gateway/rooms/devices/codec/frame-reader.ts';
import { encodeResponse, parseResponse } from '../../../gateway/rooms/devices/codec/modbus-rtu.ts';
import { decodeImage, encodeJpeg, ImageError } from '../../../gateway/lib/imaging/image.ts';
import { parseConfig } from '../../../gateway/config/load.ts';
import { ConfigError } from '../../../gateway/config/errors.ts';
import { connectOnvif, OnvifError } from '../../../gateway/lib/onvif/client.ts';
import { OnvifSimulator } from '../../onvif-sim/simulator.ts';
import { soapAction } from '../../onvif-sim/wsse.ts';
import { caseRng, log, Pick, within } from './common.ts';
import * as G from './generators.ts';
import { DEVICES_YAML } from './rig.ts';
import { errMessage } from '../../../gateway/core/errors.js';

/**
 * The in-process fuzz targets: serial frames through each codec's reader, config files through
 * the daemon's loader, images through the decoder, SOAP replies through the ONVIF client (a
 * proxy in front of the project's camera simulator replaces one reply per case). A crash is an
 * error other than the target's documented one; a hang is a case past its time budget.
 */
export interface KindResult {
  cases: number;
  crashes: number;
  hangs: number;
  refused: number;
  slowest_ms: number;
  first_crashes: string[];
}

const newResult = (): KindResult => ({ cases: 0, crashes: 0, hangs: 0, refused: 0, slowest_ms: 0, first_crashes: [] });

/** Runs `n` cases of one kind, `parallel` at a time; `one` returns 'ok' | 'refused' or throws (a crash). */
export async function runCases(
  kind: string,
  n: number,
  seed: number,
  budgetMs: number,
  parallel: number,
  one: (p: Pick, i: number) => Promise<'ok' | 'refused'> | 'ok' | 'refused',
): Promise<KindResult> {
  const r = newResult();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      try {
        const out = await within(
          Promise.resolve().then(() => one(new Pick(caseRng(seed, kind, i)), i)),
          budgetMs * 5,
          'hang' as const,
        );
        if (out === 'hang') {
          r.hangs++;
          log(`fuzz ${kind} case ${i}: no answer after ${budgetMs * 5} ms`);
        } else if (out === 'refused') r.refused++;
      } catch (err) {
        r.crashes++;
        if (r.first_crashes.length < 5)
          r.first_crashes.push(
            `case ${i}: ${err instanceof Error && err.stack ? err.stack.split('\n').slice(0, 3).join(' | ') : errMessage(err)}`,
          );
      }
      const ms = performance.now() - t0;
      if (ms > budgetMs) {
        r.hangs++;
        log(`fuzz ${kind} case ${i}: ${Math.round(ms)} ms (budget ${budgetMs} ms)`);
      }
      r.slowest_ms = Math.max(r.slowest_ms, Math.round(ms));
      r.cases++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  log(`fuzz ${kind}: ${r.cases} cases, ${r.refused} refused, ${r.crashes} crashes, ${r.hangs} hangs, slowest ${r.slowest_ms} ms`);
  return r;
}

/** Valid frames of every message a framed profile declares (both directions). */
function framesOf(codec: FramedCodec, messages: Record<string, unknown>): Buffer[] {
  const out: Buffer[] = [];
  for (const name of Object.keys(messages)) {
    try {
      out.push(codec.encode(name, {}));
    } catch {
      // a message with required fields: skipped, the others still seed the mutations
    }
  }
  return out;
}

export async function fuzzSerial(n: number, seed: number): Promise<Record<string, KindResult>> {
  const out: Record<string, KindResult> = {};
  for (const file of ['barrier-bg300-framed', 'turnstile-ts100-framed', 'alarm-post-sos200', 'alarm-post-lp10-latching']) {
    const profile = loadProfileFile(join(PROFILES_DIR, `${file}.yaml`));
    if (profile.protocol.type !== 'framed') continue;
    const codec = new FramedCodec(profile);
    const valid = framesOf(codec, profile.messages ?? {});
    if (valid.length === 0) throw new Error(`${file}: no message could be encoded to seed the fuzzing`);
    out[`serial-${file}`] = await runCases(`serial-${file}`, n, seed, 200, 1, (p) => {
      const reader = new FrameReader(codec);
      let now = 0;
      for (const chunk of G.serialStream(p, valid)) {
        now += p.int(50);
        const r = reader.push(chunk, now);
        for (const f of r.frames) {
          codec.identify(f, 'from-device');
          codec.identify(f, 'to-device');
        }
        reader.expire(now + p.int(500));
      }
      return 'ok';
    });
  }
  const modbus = [
    encodeResponse({ unit: 1, fn: 1, address: 0, count: 4 }, { bits: [1, 0, 1, 1] }),
    encodeResponse({ unit: 1, fn: 2, address: 0, count: 4 }, { bits: [0, 0, 0, 1] }),
    encodeResponse({ unit: 1, fn: 3, address: 0, count: 3 }, { registers: [1, 65535, 7] }),
    encodeResponse({ unit: 1, fn: 5, address: 0, count: 1 }, {}),
    encodeResponse({ unit: 1, fn: 3, address: 0, count: 1 }, { exception: 2 }),
  ];
  out['serial-modbus-rtu'] = await runCases('serial-modbus-rtu', n, seed, 200, 1, (p) => {
    let buf = Buffer.concat(G.serialStream(p, modbus));
    for (let guard = 0; buf.length > 0; guard++) {
      if (guard > 10_000) throw new Error('modbus parser makes no progress');
      const r = parseResponse(buf);
      if (r.kind === 'more') break;
      buf = buf.subarray(r.kind === 'ok' ? r.size : 1);
    }
    return 'ok';
  });
  return out;
}

export async function fuzzConfig(n: number, seed: number): Promise<KindResult> {
  const dir = mkdtempSync(join(tmpdir(), 'se-fuzz-config-'));
  const valid = `version: 2\nnode: { id: fuzz, dataDir: ./var, logLevel: info }\ncloud: { url: "mqtt://127.0.0.1:1", keepaliveS: 5 }\nconsole: { enabled: true, port: 0 }\nfaces: { enabled: false }\n${DEVICES_YAML}`;
  parseConfig(valid, { source: 'valid.yaml', baseDir: dir, env: {} }); // the seed itself must load
  try {
    return await runCases('config', n, seed, 1000, 1, (p) => {
      try {
        parseConfig(G.configText(p, valid), { source: 'fuzz.yaml', baseDir: dir, env: {} });
        return 'ok';
      } catch (err) {
        if (err instanceof ConfigError) return 'refused';
        throw err;
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function fuzzImages(n: number, seed: number): Promise<KindResult> {
  const img = (w: number, h: number) => {
    const data = Buffer.alloc(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    return encodeJpeg({ width: w, height: h, data } as Parameters<typeof encodeJpeg>[0], 80);
  };
  const valid = [await img(64, 48), await img(320, 240)];
  return runCases('image', n, seed, 5000, 2, async (p) => {
    try {
      await decodeImage(G.image(p, valid), { maxPixels: 8_000_000 });
      return 'ok';
    } catch (err) {
      if (err instanceof ImageError) return 'refused';
      throw err;
    }
  });
}

/** A proxy before the camera simulator: per case, one SOAP action's reply is replaced. */
export async function fuzzOnvif(n: number, seed: number): Promise<KindResult> {
  const sim = new OnvifSimulator({ mainStreamUri: 'rtsp://127.0.0.1:8554/main', discovery: false, username: 'admin', password: 'secret' });
  await sim.start();
  const replies = new Map<string, string>();
  let current: { p: Pick; action: string } | undefined;
  const upstream = (req: IncomingMessage, body: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const r = httpRequest({ host: '127.0.0.1', port: sim.port, path: req.url, method: req.method, headers: req.headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      });
      r.on('error', reject);
      r.end(body);
    });
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(parts);
        const action = soapAction(body.toString('utf8')) ?? 'unknown';
        let valid = replies.get(action);
        if (valid === undefined) {
          valid = await upstream(req, body);
          replies.set(action, valid);
        }
        const hostile = current && (current.action === action || current.action === '*');
        const reply = hostile ? G.soapReply(current!.p, valid) : Buffer.from(valid);
        res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': reply.length });
        res.end(reply);
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const ACTIONS = ['GetSystemDateAndTime', 'GetCapabilities', 'GetServices', 'GetProfiles', 'GetDeviceInformation', 'GetVideoSources', '*'];
  try {
    // The proxy holds one case at a time: cases run one by one.
    return await runCases('onvif', n, seed, 8000, 1, async (p) => {
      current = { p, action: p.one(ACTIONS) };
      try {
        const cam = await connectOnvif({
          hostname: '127.0.0.1',
          port,
          path: '/onvif/device_service',
          username: 'admin',
          password: 'secret',
          timeoutMs: 1500,
          maxReplyBytes: 256 * 1024,
        });
        cam.close();
        return 'ok';
      } catch (err) {
        if (err instanceof OnvifError) return 'refused';
        throw err;
      }
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await sim.stop();
  }
}

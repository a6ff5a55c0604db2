/** A media profile as the gateway needs it. */
export interface OnvifProfile {
  token: string;
  name: string;
  encoding: string | undefined;
  width: number | undefined;
  height: number | undefined;
  fps: number | undefined;
}

const DECODABLE = /^(h264|h265|hevc)$/i;

/**
 * The low-resolution profile for analysis (the smallest H.264/H.265 one at least as wide as
 * the analysis frames, else the widest) and the main one for snapshots and live view (the
 * largest). Pure; undefined when no profile carries H.264/H.265.
 */
export function pickProfiles(
  profiles: readonly OnvifProfile[],
  analysisWidth: number,
): { analysis: OnvifProfile; main: OnvifProfile } | undefined {
  const usable = profiles.filter((p) => DECODABLE.test(p.encoding ?? ''));
  if (usable.length === 0) return undefined;
  const area = (p: OnvifProfile) => (p.width ?? 0) * (p.height ?? 0);
  const byArea = [...usable].sort((a, b) => area(a) - area(b));
  const main = byArea[byArea.length - 1] as OnvifProfile;
  const analysis = byArea.find((p) => (p.width ?? 0) >= analysisWidth) ?? main;
  return { analysis, main };
}

/** Profile fields from the onvif package's linerased GetProfiles output. Pure, defensive. */
export function profileFromRaw(raw: unknown): OnvifProfile | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const token = (r.$ as Record<string, unknown> | undefined)?.token;
  if (typeof token !== 'string') return undefined;
  const vec = (r.videoEncoderConfiguration ?? {}) as Record<string, unknown>;
  const res = (vec.resolution ?? {}) as Record<string, unknown>;
  const rate = (vec.rateControl ?? {}) as Record<string, unknown>;
  const num = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v)
      ? v
      : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
        ? Number(v)
        : undefined;
  return {
    token,
    name: typeof r.name === 'string' ? r.name : token,
    encoding: typeof vec.encoding === 'string' ? vec.encoding : undefined,
    width: num(res.width),
    height: num(res.height),
    fps: num(rate.frameRateLimit),
  };
}

/** Operating-point arithmetic for 1:N face identification. Pure. */

export interface ProbeResult {
  /** Identity expected (null for a stranger). */
  truth: string | null;
  /** Best match and its similarity (null when no face was found). */
  best: string | null;
  similarity: number;
}

/**
 * The lowest threshold (rounded up to 0.001) at which at most `targetFar` of the strangers are
 * accepted (a stranger is accepted when its best similarity >= threshold).
 */
export function thresholdForFar(strangerScores: readonly number[], targetFar: number): number {
  if (strangerScores.length === 0) return 0;
  const sorted = [...strangerScores].sort((a, b) => b - a);
  const allowed = Math.floor(targetFar * sorted.length + 1e-9);
  if (allowed >= sorted.length) return 0;
  const t = Math.ceil((sorted[allowed]! + 1e-9) * 1000) / 1000;
  return t;
}

export interface OperatingPoint {
  threshold: number;
  /** Strangers accepted as someone / strangers with a face found. */
  far: number;
  /** Genuine probes not accepted as their own identity / genuine probes. */
  frr: number;
  /** Genuine probes accepted as somebody else. */
  misidentified: number;
  falseAccepts: number;
}

export function operatingPoint(genuine: readonly ProbeResult[], strangers: readonly ProbeResult[], threshold: number): OperatingPoint {
  let rejected = 0;
  let mis = 0;
  for (const p of genuine) {
    const accepted = p.best !== null && p.similarity >= threshold;
    if (!accepted || p.best !== p.truth) rejected++;
    if (accepted && p.best !== p.truth) mis++;
  }
  const withFace = strangers.filter((s) => s.best !== null);
  const fa = withFace.filter((s) => s.similarity >= threshold).length;
  return {
    threshold,
    far: withFace.length ? fa / withFace.length : 0,
    frr: genuine.length ? rejected / genuine.length : 0,
    misidentified: mis,
    falseAccepts: fa,
  };
}

export function rank1(genuine: readonly ProbeResult[]): number {
  if (genuine.length === 0) return 0;
  return genuine.filter((p) => p.best !== null && p.best === p.truth).length / genuine.length;
}

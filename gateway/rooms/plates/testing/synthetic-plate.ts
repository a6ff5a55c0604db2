/**
 * Synthetic plate images for tests the project can run anywhere: an SVG drawn with the Debian
 * font fonts-wqy-microhei (installed by scripts/install-system-deps.sh), rasterised by sharp.
 * Real plates use another font: these are fixtures, not an accuracy measure.
 */
const BG = { blue: '#1447b8', yellow: '#f2c200', green: '#6fd28a', white: '#f4f4f4', black: '#111111' } as const;
const FG = { blue: '#ffffff', yellow: '#111111', green: '#111111', white: '#111111', black: '#ffffff' } as const;

export type SyntheticColour = keyof typeof BG;

/** An SVG of a single-row plate, 440 x 140 units scaled by `scale`. */
export function plateSvg(plate: string, colour: SyntheticColour, scale = 1): string {
  const chars = [...plate];
  const n = chars.length;
  const W = n === 8 ? 480 : 440;
  const step = (W - 40) / (n + 0.5);
  const xs = chars.map((_, i) => 20 + step * (i + 0.5) + (i >= 2 ? step * 0.5 : 0));
  const texts = chars
    .map(
      (c, i) =>
        `<text x="${xs[i]?.toFixed(1)}" y="108" font-family="WenQuanYi Micro Hei" font-size="84" text-anchor="middle" fill="${FG[colour]}">${c}</text>`,
    )
    .join('');
  const dot = `<circle cx="${(20 + step * 2.25).toFixed(1)}" cy="70" r="6" fill="${FG[colour]}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W * scale}" height="${140 * scale}" viewBox="0 0 ${W} 140"><rect width="${W}" height="140" rx="12" fill="${FG[colour]}"/><rect x="5" y="5" width="${W - 10}" height="130" rx="10" fill="${BG[colour]}"/>${dot}${texts}</svg>`;
}

/**
 * An SVG of a two-row plate (trucks, buses, trailers: yellow), 440 x 220 units: the province and
 * authority letter small in the top row, the serial large below (GA 36 layout).
 */
export function twoRowPlateSvg(plate: string, colour: SyntheticColour = 'yellow', scale = 1): string {
  const chars = [...plate];
  const top = chars.slice(0, 2);
  const bottom = chars.slice(2);
  const t = (c: string, x: number, y: number, size: number) =>
    `<text x="${x.toFixed(1)}" y="${y}" font-family="WenQuanYi Micro Hei" font-size="${size}" text-anchor="middle" fill="${FG[colour]}">${c}</text>`;
  const step = 400 / bottom.length;
  const texts = [
    t(top[0] ?? '', 165, 82, 64),
    t(top[1] ?? '', 275, 82, 64),
    ...bottom.map((c, i) => t(c, 20 + step * (i + 0.5), 200, 108)),
  ].join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${440 * scale}" height="${220 * scale}" viewBox="0 0 440 220"><rect width="440" height="220" rx="12" fill="${FG[colour]}"/><rect x="5" y="5" width="430" height="210" rx="10" fill="${BG[colour]}"/><circle cx="220" cy="60" r="6" fill="${FG[colour]}"/>${texts}</svg>`;
}

/** A grey W x H scene with the plate drawn at (x, y), `plateWidth` wide, rotated by `angleDeg`. */
export function sceneSvg(
  plate: string,
  colour: SyntheticColour,
  opts: { width: number; height: number; x: number; y: number; plateWidth: number; angleDeg?: number; twoRow?: boolean },
): string {
  const inner = opts.twoRow ? twoRowPlateSvg(plate, colour) : plateSvg(plate, colour);
  const W = opts.twoRow ? 440 : [...plate].length === 8 ? 480 : 440;
  const s = opts.plateWidth / W;
  const body = inner.replace(/^<svg[^>]*>/, '').replace(/<\/svg>$/, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${opts.width}" height="${opts.height}"><rect width="100%" height="100%" fill="#6b6f73"/><rect x="${opts.x - 60}" y="${opts.y - 160}" width="${opts.plateWidth + 120}" height="260" fill="#2b2f36"/><g transform="translate(${opts.x} ${opts.y}) rotate(${opts.angleDeg ?? 0}) scale(${s})">${body}</g></svg>`;
}

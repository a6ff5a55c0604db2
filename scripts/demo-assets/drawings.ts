/**
 * The drawn parts of the demo scenes, as SVG (own work, Apache-2.0 like the project): the two
 * camera backgrounds, their foreground, and a car seen from the front carrying a synthetic plate.
 * Rasterised with sharp at set-up; nothing here runs in the daemon.
 */
import { plateSvg, type SyntheticColour } from '../../gateway/rooms/plates/testing/synthetic-plate.js';

const FONT = 'WenQuanYi Micro Hei';

/** The pedestrian entrance seen by the face camera above the turnstile: a corridor to a glass door. */
export function doorBackgroundSvg(width: number, height: number): string {
  const vx = width * 0.5;
  const vy = height * 0.34;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <defs>
    <linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8d8a84"/><stop offset="1" stop-color="#5f5c57"/></linearGradient>
    <linearGradient id="wallL" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#b9b2a6"/><stop offset="1" stop-color="#d8d2c6"/></linearGradient>
    <linearGradient id="wallR" x1="1" y1="0" x2="0" y2="0"><stop offset="0" stop-color="#aea79b"/><stop offset="1" stop-color="#d3cdc1"/></linearGradient>
    <linearGradient id="glass" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#cfe3ee"/><stop offset="1" stop-color="#9dbccc"/></linearGradient>
  </defs>
  <rect width="${width}" height="${height}" fill="#e9e5dc"/>
  <polygon points="0,0 ${vx - 90},${vy - 70} ${vx - 90},${vy + 70} 0,${height}" fill="url(#wallL)"/>
  <polygon points="${width},0 ${vx + 90},${vy - 70} ${vx + 90},${vy + 70} ${width},${height}" fill="url(#wallR)"/>
  <polygon points="0,${height} ${vx - 90},${vy + 70} ${vx + 90},${vy + 70} ${width},${height}" fill="url(#floor)"/>
  <rect x="${vx - 90}" y="${vy - 70}" width="180" height="140" fill="#f2efe8"/>
  <rect x="${vx - 60}" y="${vy - 58}" width="120" height="128" fill="url(#glass)" stroke="#6d7479" stroke-width="3"/>
  <line x1="${vx}" y1="${vy - 58}" x2="${vx}" y2="${vy + 70}" stroke="#6d7479" stroke-width="3"/>
  <rect x="${vx - 70}" y="${vy - 86}" width="140" height="20" rx="3" fill="#1f5fa8"/>
  <text x="${vx}" y="${vy - 71}" font-family="${FONT}" font-size="14" fill="#fff" text-anchor="middle">人行入口  ENTRANCE</text>
  ${[0.2, 0.4, 0.6, 0.8].map((f) => `<line x1="${vx - 90 - f * (vx - 90)}" y1="${vy + 70 + f * (height - vy - 70)}" x2="${vx + 90 + f * (width - vx - 90)}" y2="${vy + 70 + f * (height - vy - 70)}" stroke="#4f4c48" stroke-width="1.5" opacity="0.5"/>`).join('')}
  <rect x="${width * 0.06}" y="${height * 0.22}" width="${width * 0.1}" height="${height * 0.2}" fill="#5b7f4b" opacity="0.85" rx="4"/>
  <text x="12" y="22" font-family="${FONT}" font-size="15" fill="#ffffff" stroke="#000" stroke-width="0.6">DEMO  demo-door  人行闸机 door-1</text>
</svg>`;
}

/** What stands in front of the walkers: the two cabinets of the turnstile at the bottom corners. */
export function doorForegroundSvg(width: number, height: number): string {
  const h = height * 0.3;
  const y = height - h;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <defs><linearGradient id="steel" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#9aa1a6"/><stop offset="0.5" stop-color="#e3e7ea"/><stop offset="1" stop-color="#8a9196"/></linearGradient></defs>
  <path d="M0 ${y + 20} L${width * 0.16} ${y} L${width * 0.2} ${height} L0 ${height} Z" fill="url(#steel)" stroke="#5d6368" stroke-width="2"/>
  <path d="M${width} ${y + 20} L${width * 0.84} ${y} L${width * 0.8} ${height} L${width} ${height} Z" fill="url(#steel)" stroke="#5d6368" stroke-width="2"/>
  <circle cx="${width * 0.12}" cy="${y + 28}" r="6" fill="#2ecc71"/>
  <circle cx="${width * 0.88}" cy="${y + 28}" r="6" fill="#2ecc71"/>
</svg>`;
}

/** The vehicle entrance seen by the plate camera at the barrier: a road to the estate gate. */
export function laneBackgroundSvg(width: number, height: number): string {
  const vx = width * 0.5;
  const vy = height * 0.38;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#9cc3e4"/><stop offset="1" stop-color="#dfe9f0"/></linearGradient>
    <linearGradient id="road" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#6e7175"/><stop offset="1" stop-color="#4a4d51"/></linearGradient>
  </defs>
  <rect width="${width}" height="${vy}" fill="url(#sky)"/>
  <rect x="${width * 0.05}" y="${vy - 70}" width="70" height="70" fill="#c9c2b5"/>
  <rect x="${width * 0.18}" y="${vy - 110}" width="60" height="110" fill="#d7d0c4"/>
  <rect x="${width * 0.68}" y="${vy - 95}" width="80" height="95" fill="#cfc8bc"/>
  <rect x="${width * 0.83}" y="${vy - 60}" width="60" height="60" fill="#bfb8ab"/>
  ${[0, 1, 2, 3, 4, 5].map((i) => `<rect x="${width * 0.185 + 12 + (i % 2) * 26}" y="${vy - 100 + Math.floor(i / 2) * 30}" width="14" height="16" fill="#8fa9bd"/>`).join('')}
  <rect y="${vy}" width="${width}" height="${height - vy}" fill="#7b8a5e"/>
  <polygon points="${vx - 40},${vy} ${vx + 40},${vy} ${width * 0.98},${height} ${width * 0.02},${height}" fill="url(#road)"/>
  ${[0, 1, 2, 3]
    .map((i) => {
      const a = 0.12 + i * 0.22;
      const b = a + 0.1;
      const ya = vy + a * (height - vy);
      const yb = vy + b * (height - vy);
      return `<polygon points="${vx - 1 - a * 4},${ya} ${vx + 1 + a * 4},${ya} ${vx + 1 + b * 4},${yb} ${vx - 1 - b * 4},${yb}" fill="#e9e3c9"/>`;
    })
    .join('')}
  <rect x="${width * 0.8}" y="${vy - 10}" width="56" height="64" fill="#e6e1d6" stroke="#8a857a"/>
  <rect x="${width * 0.8 + 8}" y="${vy + 2}" width="40" height="22" fill="#9dbccc"/>
  <rect x="${vx - 70}" y="${vy - 40}" width="140" height="20" rx="3" fill="#1f5fa8"/>
  <text x="${vx}" y="${vy - 25}" font-family="${FONT}" font-size="14" fill="#fff" text-anchor="middle">车辆入口  VEHICLES</text>
  <text x="12" y="22" font-family="${FONT}" font-size="15" fill="#ffffff" stroke="#000" stroke-width="0.6">DEMO  demo-lane  道闸 gate-1</text>
</svg>`;
}

export const CAR_VIEWBOX = { width: 400, height: 280 } as const;
/** Where the plate sits on the car (viewBox units): a 440x140 plate scaled to this width. */
const PLATE_ON_CAR = { x: 150, y: 207, width: 100 } as const;

/** A saloon seen from the front, with `plate` on its bumper. */
export function carFrontSvg(plate: string, colour: SyntheticColour, body: { light: string; dark: string }, width: number): string {
  const plateInner = plateSvg(plate, colour)
    .replace(/^<svg[^>]*>/, '')
    .replace(/<\/svg>$/, '');
  const plateW = [...plate].length === 8 ? 480 : 440;
  const s = PLATE_ON_CAR.width / plateW;
  const height = Math.round((width * CAR_VIEWBOX.height) / CAR_VIEWBOX.width);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${CAR_VIEWBOX.width} ${CAR_VIEWBOX.height}">
  <defs>
    <linearGradient id="body" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${body.light}"/><stop offset="1" stop-color="${body.dark}"/></linearGradient>
    <linearGradient id="glass" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2b3947"/><stop offset="1" stop-color="#141b22"/></linearGradient>
  </defs>
  <ellipse cx="200" cy="270" rx="196" ry="10" fill="#000" opacity="0.35"/>
  <rect x="26" y="214" width="54" height="58" rx="10" fill="#141414"/>
  <rect x="320" y="214" width="54" height="58" rx="10" fill="#141414"/>
  <path d="M92 30 Q200 12 308 30 L348 122 L52 122 Z" fill="url(#body)"/>
  <path d="M106 40 Q200 25 294 40 L328 114 L72 114 Z" fill="url(#glass)"/>
  <path d="M120 46 Q160 40 190 40 L150 100 L96 104 Z" fill="#ffffff" opacity="0.08"/>
  <path d="M54 104 L20 98 L16 116 L52 122 Z" fill="${body.dark}"/>
  <path d="M346 104 L380 98 L384 116 L348 122 Z" fill="${body.dark}"/>
  <path d="M40 118 L360 118 Q386 126 389 160 L390 236 Q390 250 376 250 L24 250 Q10 250 10 236 L11 160 Q14 126 40 118 Z" fill="url(#body)"/>
  <path d="M60 132 Q200 124 340 132" stroke="${body.dark}" stroke-width="2" fill="none" opacity="0.6"/>
  <path d="M26 148 L118 156 L110 182 L28 176 Z" fill="#eef3f8" stroke="#7d8790" stroke-width="2"/>
  <path d="M374 148 L282 156 L290 182 L372 176 Z" fill="#eef3f8" stroke="#7d8790" stroke-width="2"/>
  <circle cx="52" cy="165" r="9" fill="#fffbe6"/>
  <circle cx="348" cy="165" r="9" fill="#fffbe6"/>
  <rect x="132" y="158" width="136" height="40" rx="8" fill="#1b1e23"/>
  ${[166, 174, 182, 190].map((y) => `<line x1="140" y1="${y}" x2="260" y2="${y}" stroke="#3b4048" stroke-width="3"/>`).join('')}
  <rect x="18" y="202" width="364" height="40" rx="12" fill="${body.dark}"/>
  <rect x="40" y="214" width="60" height="12" rx="5" fill="#20242a"/>
  <rect x="300" y="214" width="60" height="12" rx="5" fill="#20242a"/>
  <g transform="translate(${PLATE_ON_CAR.x} ${PLATE_ON_CAR.y}) scale(${s})">${plateInner}</g>
</svg>`;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePath, HttpError, SECURITY_HEADERS } from '../http-util.js';

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** JSMpeg's browser build (UMD), served from node_modules: no CDN, no copy in the repository. */
function jsmpegPath(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@cycjimmy/jsmpeg-player')), 'jsmpeg-player.umd.min.js');
  } catch {
    return undefined;
  }
}

/**
 * The console's static files (public/: HTML, JS modules, CSS, message catalogues): no data, so
 * served without a session (the login page is made of them). Only files under public/ with a
 * known type; anything else is 404. Every page path is the one-page app's shell.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  let file: string | undefined;
  if (path === '/vendor/jsmpeg.js') file = jsmpegPath();
  else if (path === '/' || /^\/[a-z-]*$/.test(path)) file = join(PUBLIC, 'index.html');
  else {
    const rel = normalize(decodePath(path)).replace(/^([/\\])+/, '');
    const candidate = join(PUBLIC, rel);
    if (candidate.startsWith(PUBLIC + sep) && !rel.split(/[/\\]/).some((p) => p.startsWith('.'))) file = candidate;
  }
  const type = file && TYPES[file.slice(file.lastIndexOf('.'))];
  if (!file || !type) throw new HttpError(404, `no page at ${path}`);
  const body = await readFile(file).catch(() => undefined);
  if (!body) throw new HttpError(404, `no page at ${path}`);
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The photo files of an import row, read from the --photos folder: a name that leads outside
 * the folder (../, an absolute path, a symlink out) is refused, so a CSV cannot make the
 * importer read and send other files; a file larger than faces.enrolment.maxPhotoBytes is
 * refused before it is sent.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { errMessage } from '../../core/errors.js';

export type PhotoProblem =
  | { code: 'photo_missing'; name: string }
  | { code: 'photo_outside'; name: string }
  | { code: 'photo_too_large'; name: string; bytes: number; max: number }
  | { code: 'photo_unreadable'; name: string; error: string };

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

/** The photos as base64, or the first problem. */
export async function loadPhotos(
  dir: string,
  names: readonly string[],
  maxBytes: number,
): Promise<{ ok: true; photos: string[] } | { ok: false; problem: PhotoProblem }> {
  const root = await realpath(dir);
  const photos: string[] = [];
  for (const name of names) {
    const path = resolve(root, name);
    if (isAbsolute(name) || !inside(root, path)) return { ok: false, problem: { code: 'photo_outside', name } };
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      return { ok: false, problem: { code: 'photo_missing', name } };
    }
    if (!inside(root, real)) return { ok: false, problem: { code: 'photo_outside', name } };
    try {
      const st = await stat(real);
      if (!st.isFile()) return { ok: false, problem: { code: 'photo_missing', name } };
      if (st.size > maxBytes) return { ok: false, problem: { code: 'photo_too_large', name, bytes: st.size, max: maxBytes } };
      photos.push((await readFile(real)).toString('base64'));
    } catch (err) {
      return { ok: false, problem: { code: 'photo_unreadable', name, error: errMessage(err) } };
    }
  }
  return { ok: true, photos };
}

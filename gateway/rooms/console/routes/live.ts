/** `/api/live/<cameraId>` → the camera id; anything else → undefined. Pure. */
export function liveRoute(url: string): { cameraId: string } | undefined {
  const path = url.split('?')[0] ?? '';
  const m = /^\/api\/live\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  return m ? { cameraId: m[1] as string } : undefined;
}

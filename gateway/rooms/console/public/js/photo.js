// A photo chosen in the browser, scaled down to at most 1600 px on its long side and sent as base64 JPEG
// (a phone's 48 MP photo becomes a few hundred kB; the gateway refuses more than 24 MP anyway).
import { t } from './i18n.js';

const LONG_SIDE = 1600;

export function photoToBase64(file) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      const scale = Math.min(1, LONG_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(img.naturalWidth * scale);
      canvas.height = Math.round(img.naturalHeight * scale);
      canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      resolve(canvas.toDataURL('image/jpeg', 0.92).split(',')[1]);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error(t('residents.notImage')));
    };
    img.src = url;
  });
}

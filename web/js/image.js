/*
 * image.js - a photo made small in the browser before it is sent: decoded
 * upright (EXIF orientation applied), its longest edge at most 1600 px,
 * JPEG of quality 0.85 (a phone's 4 MB photo becomes a few hundred KB).
 * Shared by the staff's pickers (components/photos.js) and the residents'
 * page (r/photos.js); no dependencies.
 */
const LONGEST = 1600;
const QUALITY = 0.85;
const PDF = 'application/pdf';

/* An image decoded upright as something a canvas can draw: an ImageBitmap
 * where the browser has one, else an <img>. Throws when the browser cannot
 * decode it (say HEIC on Chrome). */
async function decode(file) {
  if (window.createImageBitmap) {
    try { return await createImageBitmap(file, { imageOrientation: 'from-image' }); } catch { /* options unknown, or not decodable */ }
    try { return await createImageBitmap(file); } catch { /* try an <img> */ }
  }
  const url = URL.createObjectURL(file);
  try {
    return await new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error('decode'));
      img.src = url;
    });
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

/*
 * The blob to upload for file: an image redrawn on a canvas, smaller, as
 * JPEG; a PDF, an image small already (a JPEG, PNG or WebP within 1600 px
 * and 300 KB), or one this browser cannot decode, unchanged (the server
 * then says what is wrong: 415 not a supported image, 422 broken).
 */
export async function shrinkImage(file) {
  if (file.type === PDF || !/^image\//.test(file.type || 'image/')) return file;
  let src;
  try { src = await decode(file); } catch { return file; }
  const w = src.width || src.naturalWidth, h = src.height || src.naturalHeight;
  if (!w || !h) return file;
  if (Math.max(w, h) <= LONGEST && file.size < 300 * 1024 && /^image\/(jpeg|png|webp)$/.test(file.type)) {
    if (src.close) src.close();
    return file;
  }
  const k = Math.min(1, LONGEST / Math.max(w, h));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(w * k));
  canvas.height = Math.max(1, Math.round(h * k));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; // a transparent PNG stays readable as JPEG
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
  if (src.close) src.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  return blob || file;
}

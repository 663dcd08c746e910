/*
 * photos.js - the photos of a resident's request. Picked with Vant's
 * Uploader (its items: {file, content, status, message}); each is shrunk
 * in the browser before it goes (decoded upright, longest edge 1600 px,
 * JPEG quality 0.85: a phone's 4 MB photo becomes a few hundred KB) and
 * sent on its own as the raw body with its Content-Type:
 * POST /resident/cases/{id}/attachments?name=. A photo that failed keeps
 * the server's reason on its item and may be sent again.
 */
import { request, say } from './api.js';

export const MAX_PHOTOS = 9;
const LONGEST = 1600;
const QUALITY = 0.85;

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

/* The blob to send for file: redrawn smaller as JPEG, or the file itself
 * when this browser cannot decode it (the server then says what is wrong)
 * or it is small already. */
export async function shrinkImage(file) {
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
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
  if (src.close) src.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  return blob || file;
}

/* A file name the server takes: no slashes or control characters, not too long. */
function safeName(name, type) {
  let n = String(name || '').replace(/[\u0000-\u001f\u007f/\\]/g, '_').slice(-80);
  if (!n) n = 'photo';
  if (type === 'image/jpeg' && !/\.jpe?g$/i.test(n)) n = n.replace(/\.[^.]*$/, '') + '.jpg';
  return n;
}

/* Sends the Uploader item it to case id (unless it went already); true
 * when the photo is on the case. */
export async function sendPhoto(id, it) {
  if (it.status === 'done' && it.attachment) return true;
  it.status = 'uploading';
  it.message = '上传中…';
  try {
    const blob = await shrinkImage(it.file);
    const type = blob.type || it.file.type || 'application/octet-stream';
    it.attachment = await request('POST', '/resident/cases/' + id + '/attachments', {
      raw: blob, contentType: type, params: { name: safeName(it.file.name, type) },
    });
    it.status = 'done';
    it.message = '';
    it.error = '';
    return true;
  } catch (e) {
    it.status = 'failed';
    it.message = '上传失败';
    it.error = say(e);
    return false;
  }
}

/* Sends every item one after the other; the number that are on the case. */
export async function sendPhotos(id, items) {
  let n = 0;
  for (const it of items) if (await sendPhoto(id, it)) n++;
  return n;
}

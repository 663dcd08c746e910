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
import { shrinkImage } from '../js/image.js';

export const MAX_PHOTOS = 9;
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

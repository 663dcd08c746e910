/*
 * util.js - small helpers of the residents' page.
 */

/* Copies text to the clipboard: the Clipboard API where the page may use
 * it (https, localhost), else a selected textarea and execCommand. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch { /* refused: try the old way */ }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  ta.remove();
  return ok;
}

/* "2026-04-01T09:30:00+08:00" -> "2026-04-01 09:30", as the server wrote it. */
export function fmtTime(s) {
  return s ? s.slice(0, 16).replace('T', ' ') : '';
}

/* The tag colour of a case: green once answered, orange when the answer
 * was rated 不满意, else blue. (Status names are the machines' and are
 * not spelled out in the UI: the label is the server's, and /workflows,
 * which tells open from done, is for staff.) */
export function statusType(c) {
  if (c && c.rating === 'unsatisfied') return 'warning';
  return c && c.reply ? 'success' : 'primary';
}

export const CHANNELS = {
  hotline: '12345热线', web: '网上反映', grid_visit: '网格员上报', deputy_station: '代表联络站', onekey: '一键呼叫',
  open311: '网上反映', import: '其他渠道', inspection: '督查巡查',
};

export const RATINGS = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' };

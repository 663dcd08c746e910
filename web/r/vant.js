/*
 * vant.js - Vant 4's UMD build takes Vue from globalThis.Vue, so this
 * module hands it the Vue ES module first, then adds the script (which
 * index.html preloads) and re-exports what it defines; the same as the
 * staff UI's web/js/vant.js, for the residents' page.
 */
import * as Vue from 'vue';

if (!globalThis.vant) {
  globalThis.Vue = Vue;
  await new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = new URL('../vendor/vant.min.js', import.meta.url).href;
    s.onload = resolve;
    s.onerror = () => reject(new Error('cannot load vendor/vant.min.js'));
    document.head.appendChild(s);
  });
}

const vant = globalThis.vant;
export default vant;
export const {
  showToast, showSuccessToast, showFailToast, showLoadingToast, closeToast,
  showDialog, showConfirmDialog, showNotify, showImagePreview,
} = vant;

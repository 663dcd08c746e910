/*
 * vant.js - Vant 4 for ES modules. Vant ships an ES build that imports bare
 * package names (vue, @vant/use, @vant/popperjs) and a minified UMD build
 * that takes Vue from globalThis.Vue; without a bundler the UMD one is the
 * smaller and simpler to serve, so this module hands it the Vue ES module
 * and re-exports what it defines. index.html preloads the file.
 */
import * as Vue from 'vue';

if (!globalThis.vant) {
  globalThis.Vue = Vue;
  await new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = new URL('../vendor/vant.min.js', import.meta.url).href;
    s.onload = resolve;
    s.onerror = () => reject(new Error('cannot load vendor/vant.min.js (run make web)'));
    document.head.appendChild(s);
  });
}

const vant = globalThis.vant;
export default vant;
export const {
  showToast, showSuccessToast, showFailToast, showLoadingToast, closeToast,
  showDialog, showConfirmDialog, showNotify, showImagePreview, Locale,
} = vant;

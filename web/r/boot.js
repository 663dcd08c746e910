/*
 * boot.js - a classic script (no module, no inline code: the page's CSP
 * hashes only the import map): if the app has not started after 15 s (a
 * browser without import maps or ES modules, a file that did not load),
 * the splash says so instead of turning for ever.
 */
window.setTimeout(function () {
  if (!window.__lxrStarted) {
    var t = document.querySelector('.r-splash-text');
    if (t) t.textContent = '页面加载失败：请使用较新版本的浏览器（微信内置浏览器、Chrome、Safari 16.4 以上），或刷新重试。';
  }
}, 15000);

/*
 * vant.js - the staff UI's Vant module (web/js/vant.js: the UMD build
 * handed the Vue ES module), for the residents' page.
 */
export { default } from '../js/vant.js';
export * from '../js/vant.js';

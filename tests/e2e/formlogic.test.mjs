/*
 * formlogic.test.mjs - the browser's copy of the forms' expression language
 * (web/js/components/formlogic.js) agrees with the server's (src/core/form.h):
 * and binds tighter than or, != and null, numbers by value, comparisons only
 * between numbers, and irrelevance cascading through a form. No browser,
 * no server: the module is pure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './harness.mjs';

const L = await import(pathToFileURL(path.join(ROOT, 'web/js/components/formlogic.js')).href);
const ev = (src, answers = {}, dot) => L.evaluate(src, answers, dot);

test('and binds tighter than or; parentheses change it', () => {
  // a or (b and c)
  assert.equal(ev('a == 1 or b == 1 and c == 1', { a: 1, b: 0, c: 0 }), true);
  assert.equal(ev('a == 1 or b == 1 and c == 1', { a: 0, b: 1, c: 0 }), false);
  assert.equal(ev('a == 1 or b == 1 and c == 1', { a: 0, b: 1, c: 1 }), true);
  // (a or b) and c
  assert.equal(ev('(a == 1 or b == 1) and c == 1', { a: 1, b: 0, c: 0 }), false);
  assert.equal(ev('(a == 1 or b == 1) and c == 1', { a: 1, b: 0, c: 1 }), true);
  const t = L.parse('x == 1 and y == 2 or z == 3');
  assert.equal(t.op, 'or');
  assert.equal(t.args[0].op, 'and');
});

test('!= and null: a missing answer reads as null', () => {
  assert.equal(ev('gas_kind != "none"', {}), true, 'null != "none"');
  assert.equal(ev('gas_kind != "none"', { gas_kind: 'none' }), false);
  assert.equal(ev('gas_kind == null', {}), true);
  assert.equal(ev('gas_kind == null', { gas_kind: 'pipeline' }), false);
  assert.equal(ev('gas_kind != null', { gas_kind: 'pipeline' }), true);
  assert.equal(ev('ok == false', {}), false, 'null is not false');
  assert.equal(ev('ok != true', {}), true);
});

test('numbers by value; < <= > >= only between numbers; different kinds unequal', () => {
  assert.equal(ev('n == 1.0', { n: 1 }), true);
  assert.equal(ev('n == 1', { n: '1' }), false, 'a string is not a number');
  assert.equal(ev('. > 2', {}, 3), true);
  assert.equal(ev('. > 2', {}, 2), false);
  assert.equal(ev('. >= 2', {}, 2), true);
  assert.equal(ev('. < 0', {}, -1.5), true);
  assert.equal(ev('. <= -1e1', {}, -10), true);
  assert.equal(ev('. > 2', {}, '3'), false, 'a string never compares');
  assert.equal(ev('. < 2', {}, null), false);
  assert.equal(ev('. != 2', {}, null), true);
  assert.equal(ev('ok == true', { ok: 1 }), false, 'true is not 1');
  assert.equal(ev('. >= min', { min: 3 }, 4), true, 'a name on the right');
  assert.equal(ev('"a\\"b" == s', { s: 'a"b' }), true, 'JSON escapes in strings');
});

test('syntax errors are thrown with a position', () => {
  for (const bad of ['', 'a', 'a ==', 'a == 1 and', '(a == 1', 'a == 1)', 'a = 1', 'a == "x', 'a == 1 b == 2', 'a == & ']) {
    assert.throws(() => L.parse(bad), L.FormLogicError, bad);
  }
  assert.deepEqual(L.namesIn(L.parse('a == 1 or (b != c and . > 2)')).sort(), ['a', 'b', 'c']);
  assert.equal(L.usesDot(L.parse('a == 1 or (b != c and . > 2)')), true);
  assert.equal(L.usesDot(L.parse('a == 1')), false);
});

/* The gas form's shape: kind → joints (not for "none") → hose only for bottled. */
const FORM = [
  { name: 'gas_kind', type: 'choice', required: true, choices: [{ value: 'pipeline', label: '管道' }, 'bottled', 'none'] },
  { name: 'pipe_ok', type: 'yes_no', required: true, relevant: 'gas_kind != "none"', hazard_if: { equals: false, category: '0605', days: 3, label: '漏气' } },
  { name: 'hose_ok', type: 'yes_no', required: true, relevant: 'gas_kind == "bottled" and pipe_ok != null' },
  { name: 'hose_years', type: 'number', min: 0, max: 30, relevant: 'hose_ok == false', constraint: '. != 7',
    hazard_if: [{ expr: '. > 2', category: '0605', days: 5 }, { equals: 10, category: '0606', days: 1, label: '十年' }] },
  { name: 'notes', type: 'text' },
];

test('a cascade: an irrelevant answer is dropped and reads as null further on', () => {
  let w = L.walk(FORM, { gas_kind: 'bottled', pipe_ok: true, hose_ok: false, hose_years: 10 });
  assert.deepEqual([...w.visible], ['gas_kind', 'pipe_ok', 'hose_ok', 'hose_years', 'notes']);
  assert.deepEqual(w.errors, {});
  assert.deepEqual(w.hazards.map((h) => h.category), ['0605', '0606']);
  assert.equal(w.hazards[1].label, '十年');
  // "none": pipe_ok is irrelevant, so hose_ok (which reads pipe_ok) is too, and hose_years after it
  w = L.walk(FORM, { gas_kind: 'none', pipe_ok: false, hose_ok: false, hose_years: 10 });
  assert.deepEqual([...w.visible], ['gas_kind', 'notes']);
  assert.deepEqual(w.kept, { gas_kind: 'none' });
  assert.deepEqual(w.hazards, [], 'a dropped answer raises nothing');
  // pipeline: hose questions hidden, the joint's hazard raised
  w = L.walk(FORM, { gas_kind: 'pipeline', pipe_ok: false, notes: '   ' });
  assert.deepEqual([...w.visible], ['gas_kind', 'pipe_ok', 'notes']);
  assert.deepEqual(w.kept, { gas_kind: 'pipeline', pipe_ok: false }, 'blank text is no answer');
  assert.deepEqual(w.hazards.map((h) => h.label), ['漏气']);
});

test('required, type, min/max and constraint, as the server checks them', () => {
  let w = L.walk(FORM, {});
  assert.deepEqual(w.errors, { gas_kind: 'required', pipe_ok: 'required' }, 'pipe_ok applies while gas_kind is null');
  w = L.walk(FORM, { gas_kind: 'coal' });
  assert.equal(w.errors.gas_kind, 'type');
  w = L.walk(FORM, { gas_kind: 'bottled', pipe_ok: true, hose_ok: false, hose_years: 31 });
  assert.equal(w.errors.hose_years, 'max');
  w = L.walk(FORM, { gas_kind: 'bottled', pipe_ok: true, hose_ok: false, hose_years: 7 });
  assert.equal(w.errors.hose_years, 'constraint');
  assert.equal('hose_years' in w.kept, false);
  w = L.walk(FORM, { gas_kind: 'bottled', pipe_ok: true, hose_ok: false, hose_years: null });
  assert.deepEqual(w.errors, {}, 'a null answer is no answer: the constraint is not checked');
  // a photo still on the phone counts as given, and is not kept yet
  const photo = [{ name: 'p', type: 'photo', required: true }];
  assert.deepEqual(L.walk(photo, { p: { blob: 1 } }, { present: (q, v) => q.type === 'photo' && !!v && typeof v === 'object' }).errors, {});
  assert.deepEqual(L.walk(photo, { p: 42 }).kept, { p: 42 });
  assert.equal(L.walk([{ name: 'g', type: 'geopoint' }], { g: [91, 0] }).errors.g, 'type');
});

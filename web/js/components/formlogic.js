/*
 * components/formlogic.js - the checklist forms' small expression language,
 * in the browser: which questions apply (relevant), whether an answer is
 * acceptable (constraint, required, min/max) and which answers would raise
 * a hazard (hazard_if), so the visit form can hide, mark and warn as the
 * worker fills it in. The server (src/core/form.h) stays the judge; this
 * copies its semantics so the phone agrees with it, offline too:
 *
 *   expr    := and ( "or" and )*
 *   and     := primary ( "and" primary )*
 *   primary := "(" expr ")" | operand op operand
 *   op      := "==" | "!=" | "<" | "<=" | ">" | ">="
 *   operand := "." | name | JSON literal (true, false, null, number, "string")
 *
 * "." is this question's answer; a name is an earlier question's answer,
 * null when missing or dropped. == and != compare JSON values (numbers by
 * value, different kinds unequal); <, <=, >, >= are false unless both
 * sides are numbers. Walking the questions in order, an irrelevant
 * question's answer is dropped, so later expressions read it as null
 * (irrelevance cascades). A null answer, or a string that is empty or only
 * ASCII white space, is no answer.
 *
 * Pure functions, no imports: node:test loads this file as it is.
 */

export class FormLogicError extends Error {
  constructor(message, pos) {
    super(message);
    this.name = 'FormLogicError';
    this.pos = pos;
  }
}

const OPS = ['==', '!=', '<=', '>=', '<', '>'];
const WORDS = new Set(['and', 'or', 'true', 'false', 'null']);

/* The tokens of src: [{k: 'op'|'(' |')'|'and'|'or'|'dot'|'name'|'lit', v, pos}]. */
function tokenize(src) {
  const out = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '(' || c === ')') { out.push({ k: c, pos: i }); i++; continue; }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { out.push({ k: 'op', v: op, pos: i }); i += op.length; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new FormLogicError('unterminated string', i);
      let v;
      try { v = JSON.parse(src.slice(i, j + 1)); } catch { throw new FormLogicError('bad string', i); }
      out.push({ k: 'lit', v, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i));
    if (num && (c === '-' || (c >= '0' && c <= '9'))) {
      out.push({ k: 'lit', v: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    if (c === '.') {
      out.push({ k: 'dot', pos: i });
      i++;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (word) {
      const w = word[0];
      if (w === 'and' || w === 'or') out.push({ k: w, pos: i });
      else if (w === 'true' || w === 'false') out.push({ k: 'lit', v: w === 'true', pos: i });
      else if (w === 'null') out.push({ k: 'lit', v: null, pos: i });
      else out.push({ k: 'name', v: w, pos: i });
      i += w.length;
      continue;
    }
    throw new FormLogicError('unexpected character ' + JSON.stringify(c), i);
  }
  return out;
}

/*
 * parse(src) -> a tree: {op: 'or'|'and', args: [..]} or
 * {op: 'cmp', cmp: '==', left, right} with operands {dot: true},
 * {name: 'x'} or {lit: value}. Throws FormLogicError (message, pos) for
 * text outside the grammar.
 */
export function parse(src) {
  if (typeof src !== 'string' || !src.trim()) throw new FormLogicError('empty expression', 0);
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const want = (k) => {
    const tk = toks[p];
    if (!tk || tk.k !== k) throw new FormLogicError('expected ' + k, tk ? tk.pos : src.length);
    p++;
    return tk;
  };
  function operand() {
    const tk = toks[p];
    if (!tk) throw new FormLogicError('expected a name, "." or a value', src.length);
    p++;
    if (tk.k === 'dot') return { dot: true };
    if (tk.k === 'name') return { name: tk.v };
    if (tk.k === 'lit') return { lit: tk.v };
    throw new FormLogicError('expected a name, "." or a value', tk.pos);
  }
  function primary(depth) {
    if (peek() && peek().k === '(') {
      if (depth >= 10) throw new FormLogicError('too many parentheses', peek().pos);
      p++;
      const e = expr(depth + 1);
      want(')');
      return e;
    }
    const left = operand();
    const op = toks[p];
    if (!op || op.k !== 'op') throw new FormLogicError('expected ==, !=, <, <=, > or >=', op ? op.pos : src.length);
    p++;
    return { op: 'cmp', cmp: op.v, left, right: operand() };
  }
  function and(depth) {
    const args = [primary(depth)];
    while (peek() && peek().k === 'and') { p++; args.push(primary(depth)); }
    return args.length === 1 ? args[0] : { op: 'and', args };
  }
  function expr(depth) {
    const args = [and(depth)];
    while (peek() && peek().k === 'or') { p++; args.push(and(depth)); }
    return args.length === 1 ? args[0] : { op: 'or', args };
  }
  const tree = expr(0);
  if (p < toks.length) throw new FormLogicError('unexpected ' + (toks[p].v !== undefined ? JSON.stringify(toks[p].v) : toks[p].k), toks[p].pos);
  return tree;
}

/* The names an expression reads (for the editor: "a name must be an earlier question's"). */
export function namesIn(tree) {
  const out = new Set();
  const walk = (n) => {
    if (!n) return;
    if (n.args) n.args.forEach(walk);
    if (n.op === 'cmp') { walk(n.left); walk(n.right); }
    if (n.name) out.add(n.name);
  };
  walk(tree);
  return [...out];
}

/* Does the expression use "." (this answer)? */
export function usesDot(tree) {
  if (!tree) return false;
  if (tree.dot) return true;
  if (tree.args) return tree.args.some(usesDot);
  if (tree.op === 'cmp') return usesDot(tree.left) || usesDot(tree.right);
  return false;
}

const cache = new Map();
/* parse, remembered per text (forms are walked on every keystroke). */
export function compiled(src) {
  if (!cache.has(src)) {
    if (cache.size > 500) cache.clear();
    let v;
    try { v = { tree: parse(src) }; } catch (e) { v = { error: e }; }
    cache.set(src, v);
  }
  const v = cache.get(src);
  if (v.error) throw v.error;
  return v.tree;
}

/* JSON equality: numbers by value, arrays and objects member by member,
 * values of different kinds unequal. */
export function jsonEqual(a, b) {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== typeof b) return false;
  if (typeof a === 'number') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (typeof a === 'object') {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function value(node, answers, dot) {
  if (node.dot) return dot === undefined ? null : dot;
  if (node.name !== undefined) {
    const v = answers ? answers[node.name] : undefined;
    return v === undefined ? null : v;
  }
  return node.lit;
}

/* evaluate(tree | text, answers, dot) -> boolean. answers: name -> answer
 * (missing reads as null); dot: this answer, for constraints. */
export function evaluate(expr, answers, dot) {
  const tree = typeof expr === 'string' ? compiled(expr) : expr;
  if (tree.op === 'or') return tree.args.some((a) => evaluate(a, answers, dot));
  if (tree.op === 'and') return tree.args.every((a) => evaluate(a, answers, dot));
  const l = value(tree.left, answers, dot), r = value(tree.right, answers, dot);
  switch (tree.cmp) {
    case '==': return jsonEqual(l, r);
    case '!=': return !jsonEqual(l, r);
    default:
      if (typeof l !== 'number' || typeof r !== 'number') return false;
      if (tree.cmp === '<') return l < r;
      if (tree.cmp === '<=') return l <= r;
      if (tree.cmp === '>') return l > r;
      return l >= r;
  }
}

/* Is v an answer at all (not missing, not null, not blank text)? */
export function isAnswer(v) {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string' && /^[ \t\n\v\f\r]*$/.test(v)) return false;
  return true;
}

/* A question's hazard rules as a list (hazard_if may be one rule or several). */
export function hazardRules(q) {
  if (!q || !q.hazard_if) return [];
  return Array.isArray(q.hazard_if) ? q.hazard_if : [q.hazard_if];
}

/* A choice question's choices as [{value, label}]. */
export function choiceList(q) {
  return ((q && q.choices) || []).map((c) => (typeof c === 'string' ? { value: c, label: c } : { value: c.value, label: c.label || c.value }));
}

/* The type error of answer v to question q, or '' (as the server checks). */
export function typeError(q, v) {
  switch (q.type) {
    case 'yes_no': return typeof v === 'boolean' ? '' : 'type';
    case 'choice': return choiceList(q).some((c) => c.value === v) ? '' : 'type';
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'type';
      if (typeof q.min === 'number' && v < q.min) return 'min';
      if (typeof q.max === 'number' && v > q.max) return 'max';
      return '';
    case 'text': return typeof v === 'string' && new TextEncoder().encode(v).length <= 2000 && !v.includes('\0') ? '' : 'type';
    case 'photo': return Number.isInteger(v) && v > 0 ? '' : 'type';
    case 'geopoint':
      return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')
        && v[0] >= -90 && v[0] <= 90 && v[1] >= -180 && v[1] <= 180 ? '' : 'type';
    default: return '';
  }
}

/*
 * walk(questions, answers, opts) -> {visible, kept, errors, hazards}:
 *   visible  Set of the names of the questions that apply now
 *   kept     the answers the server would keep (relevant, not blank)
 *   errors   {name: 'required' | 'constraint' | 'type' | 'min' | 'max' | 'expr'}
 *   hazards  [{question, label, category, days, rule}] the kept answers raise
 * opts.present(q, v): whether v counts as given for q when it is not yet
 * the final value (say a photo still on the phone, not uploaded): it is
 * then treated as answered and not type-checked. An expression that does
 * not parse makes the question visible and is reported as 'expr'.
 */
export function walk(questions, answers, opts = {}) {
  const visible = new Set();
  const kept = {};
  const errors = {};
  const hazards = [];
  for (const q of questions || []) {
    let rel = true;
    if (q.relevant) {
      try { rel = evaluate(q.relevant, kept); } catch { rel = true; errors[q.name] = 'expr'; }
    }
    if (!rel) continue;
    visible.add(q.name);
    const v = answers ? answers[q.name] : undefined;
    const placeholder = opts.present && opts.present(q, v);
    if (!placeholder && !isAnswer(v)) {
      if (q.required && !errors[q.name]) errors[q.name] = 'required';
      continue;
    }
    if (placeholder) continue; // answered, but its value comes later (not checked, not kept)
    const te = typeError(q, v);
    if (te) { errors[q.name] = te; continue; }
    if (q.constraint) {
      let ok = true;
      try { ok = evaluate(q.constraint, kept, v); } catch { errors[q.name] = 'expr'; }
      if (!ok) { errors[q.name] = 'constraint'; continue; }
    }
    kept[q.name] = v;
    for (const rule of hazardRules(q)) {
      let hit = false;
      try {
        if (Object.prototype.hasOwnProperty.call(rule, 'equals')) hit = jsonEqual(v, rule.equals);
        else if (rule.expr) hit = evaluate(rule.expr, kept, v);
      } catch { hit = false; }
      if (hit) hazards.push({ question: q.name, label: rule.label || q.label, category: rule.category, days: rule.days, rule });
    }
  }
  return { visible, kept, errors, hazards };
}

/* Just the names of the questions that apply to answers. */
export function visibleQuestions(questions, answers) {
  return walk(questions, answers).visible;
}

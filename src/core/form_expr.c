/*
 * form_expr.c - the forms' values and expressions (form_int.h): JSON
 * equality and order, the evaluation of a parsed expression, and the
 * parser of `relevant`, `constraint` and `hazard_if.expr`.
 */
#include "form_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------- values ---------------- */

/* == on JSON values, NULL meaning null: numbers by value (1 == 1.0), values
 * of different kinds unequal. */
bool lx_form_eq(const json_t *a, const json_t *b)
{
	if (!a)
		a = json_null();
	if (!b)
		b = json_null();
	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return json_number_value(a) == json_number_value(b);
	}
	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_NULL:
	case JSON_TRUE:
	case JSON_FALSE:
		return true;
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	default:
		return json_equal(a, b);
	}
}

/* a op b for an ordering op: false unless both are numbers. */
static bool lx_form_order(lx_form_op op, const json_t *a, const json_t *b)
{
	int c;
	if (!json_is_number(a) || !json_is_number(b))
		return false;
	if (json_is_integer(a) && json_is_integer(b)) {
		json_int_t x = json_integer_value(a), y = json_integer_value(b);
		c = x < y ? -1 : x > y;
	} else {
		double x = json_number_value(a), y = json_number_value(b);
		c = x < y ? -1 : x > y;
	}
	switch (op) {
	case LX_OP_LT: return c < 0;
	case LX_OP_LE: return c <= 0;
	case LX_OP_GT: return c > 0;
	case LX_OP_GE: return c >= 0;
	default: break;
	}
	assert(!"not an ordering operator");
	return false;
}

/* ---------------- expressions: evaluation ---------------- */

static const json_t *lx_form_operand_value(const lx_form_operand *o, const json_t *const *vals, const json_t *dot)
{
	switch (o->kind) {
	case LX_FO_DOT: return dot;
	case LX_FO_REF: return vals[o->q];
	case LX_FO_LIT: return o->lit;
	}
	return NULL;
}

/* The value of node i of e; vals[k] is question k's kept answer (NULL: none),
 * dot this question's answer. */
static bool lx_form_eval_node(const lx_form_expr *e, size_t i, const json_t *const *vals, const json_t *dot)
{
	assert(i < e->n);
	const lx_form_node *nd = &e->nodes[i];
	switch (nd->kind) {
	case LX_FN_OR:
		return lx_form_eval_node(e, nd->l, vals, dot) || lx_form_eval_node(e, nd->r, vals, dot);
	case LX_FN_AND:
		return lx_form_eval_node(e, nd->l, vals, dot) && lx_form_eval_node(e, nd->r, vals, dot);
	case LX_FN_CMP: {
		const json_t *a = lx_form_operand_value(&nd->a, vals, dot);
		const json_t *b = lx_form_operand_value(&nd->b, vals, dot);
		if (nd->op == LX_OP_EQ)
			return lx_form_eq(a, b);
		if (nd->op == LX_OP_NE)
			return !lx_form_eq(a, b);
		return lx_form_order(nd->op, a, b);
	}
	}
	return false;
}

bool lx_form_eval(const lx_form_expr *e, const json_t *const *vals, const json_t *dot)
{
	assert(e && e->n > 0);
	return lx_form_eval_node(e, e->n - 1, vals, dot);
}

void lx_form_expr_free(lx_form_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		if (e->nodes[i].kind != LX_FN_CMP)
			continue;
		json_decref(e->nodes[i].a.lit);
		json_decref(e->nodes[i].b.lit);
	}
	free(e->nodes);
	free(e->text);
	free(e);
}

/* ---------------- expressions: parsing ---------------- */

typedef enum {
	LX_TK_END,
	LX_TK_LP,
	LX_TK_RP,
	LX_TK_OP,
	LX_TK_AND,
	LX_TK_OR,
	LX_TK_DOT,
	LX_TK_NAME,
	LX_TK_LIT
} lx_form_tkind;

typedef struct lx_form_tok {
	lx_form_tkind kind;
	lx_form_op op;     /* LX_TK_OP */
	size_t pos, len;   /* where it is in the source */
	json_t *lit;       /* LX_TK_LIT: a reference the token owns */
} lx_form_tok;

typedef struct lx_form_px {
	const char *s;          /* the source, NUL-terminated */
	size_t n, pos;
	lx_form_expr *e;
	const lx_form *f;       /* f->q[0..self) are the earlier questions */
	const json_t *all;      /* the whole definition, to tell later questions */
	size_t self;            /* the question the expression belongs to */
	bool dot;               /* "." allowed (constraint, hazard_if expr) */
	const char *field;
	lx_form_error *err;
	int depth;
	bool have_la;           /* la holds the next token */
	lx_form_tok la;
} lx_form_px;

/* " at column N" or " at the end" for a token at pos. */
static const char *lx_form_where(const lx_form_px *p, size_t pos, char *buf, size_t bufsz)
{
	if (pos >= p->n)
		snprintf(buf, bufsz, "at the end");
	else
		snprintf(buf, bufsz, "at column %zu", pos + 1);
	return buf;
}

/* Length of the UTF-8 character at s[i] (i < n), at least 1 and within n. */
static size_t lx_form_char_len(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	return i + k <= n ? k : n - i;
}

/* How much of s[0..len) to quote in a message: at most 40 bytes, cut at a
 * character boundary. */
static int lx_form_quote_len(const char *s, size_t len)
{
	if (len <= 40)
		return (int)len;
	size_t k = 40;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return (int)k;
}

/* Fails with the lexical error "<what> at column N" for the token at pos. */
static int lx_form_lex_fail(lx_form_px *p, size_t pos, const char *what)
{
	char w[32];
	lx_form_fail(p->err, p->field, "%s %s", what, lx_form_where(p, pos, w, sizeof w));
	return LX_INVALID;
}

/* Decodes s[pos..pos+len) as one JSON value into *lit. Returns LX_OK,
 * LX_INVALID (err set, naming what) or LX_ERR (out of memory). */
static int lx_form_lex_json(lx_form_px *p, size_t pos, size_t len, const char *what, json_t **lit)
{
	json_error_t je;
	*lit = json_loadb(p->s + pos, len, JSON_DECODE_ANY, &je);
	if (*lit)
		return LX_OK;
	if (json_error_code(&je) == json_error_out_of_memory)
		return LX_ERR;
	char w[32];
	lx_form_fail(p->err, p->field, "invalid %s '%.*s' %s", what, lx_form_quote_len(p->s + pos, len), p->s + pos,
		     lx_form_where(p, pos, w, sizeof w));
	return LX_INVALID;
}

/* Reads the token at p->pos into *t. Returns LX_OK, LX_INVALID or LX_ERR. */
static int lx_form_lex(lx_form_px *p, lx_form_tok *t)
{
	const char *s = p->s;
	while (p->pos < p->n && lx_form_space(s[p->pos]))
		p->pos++;
	size_t i = p->pos;
	memset(t, 0, sizeof *t);
	t->pos = i;
	if (i >= p->n) {
		t->kind = LX_TK_END;
		return LX_OK;
	}
	char c = s[i], d = i + 1 < p->n ? s[i + 1] : '\0';
	t->len = 1;
	if (c == '(') {
		t->kind = LX_TK_LP;
	} else if (c == ')') {
		t->kind = LX_TK_RP;
	} else if (c == '=' || c == '!' || c == '<' || c == '>') {
		t->kind = LX_TK_OP;
		if (d == '=') {
			t->len = 2;
			t->op = c == '=' ? LX_OP_EQ : c == '!' ? LX_OP_NE : c == '<' ? LX_OP_LE : LX_OP_GE;
		} else if (c == '<' || c == '>') {
			t->op = c == '<' ? LX_OP_LT : LX_OP_GT;
		} else if (c == '=') {
			return lx_form_lex_fail(p, i, "'=' is not an operator (write '==')");
		} else {
			return lx_form_lex_fail(p, i, "'!' must be followed by '=' (there is no 'not')");
		}
	} else if (c == '&' && d == '&') {
		return lx_form_lex_fail(p, i, "write 'and' instead of '&&'");
	} else if (c == '|' && d == '|') {
		return lx_form_lex_fail(p, i, "write 'or' instead of '||'");
	} else if (c == '$' && d == '{') {
		return lx_form_lex_fail(p, i, "write question names without ${ } (gas_kind, not ${gas_kind})");
	} else if (c == '\'') {
		return lx_form_lex_fail(p, i, "strings are written in double quotes (\"bottled\")");
	} else if (c == '.' && !(d >= '0' && d <= '9')) {
		t->kind = LX_TK_DOT;
	} else if (c == '"') {
		size_t k = i + 1;
		while (k < p->n && s[k] != '"')
			k += s[k] == '\\' && k + 1 < p->n ? 2 : 1;
		if (k >= p->n)
			return lx_form_lex_fail(p, i, "unterminated string starting");
		t->kind = LX_TK_LIT;
		t->len = k + 1 - i;
		int rc = lx_form_lex_json(p, i, t->len, "string", &t->lit);
		if (rc != LX_OK)
			return rc;
	} else if (c == '-' || c == '.' || (c >= '0' && c <= '9')) {
		size_t k = i;
		while (k < p->n && ((s[k] >= '0' && s[k] <= '9') || s[k] == '-' || s[k] == '+' || s[k] == '.' ||
				    s[k] == 'e' || s[k] == 'E'))
			k++;
		t->kind = LX_TK_LIT;
		t->len = k - i;
		int rc = lx_form_lex_json(p, i, t->len, "number", &t->lit);
		if (rc != LX_OK)
			return rc;
	} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
		size_t k = i;
		while (k < p->n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
				    (s[k] >= '0' && s[k] <= '9') || s[k] == '_'))
			k++;
		t->len = k - i;
		t->kind = LX_TK_NAME;
		for (const char *const *w = lx_form_words; *w; w++) {
			if (strlen(*w) != t->len || strncasecmp(s + i, *w, t->len) != 0)
				continue;
			if (strncmp(s + i, *w, t->len) != 0) {
				char w2[32];
				lx_form_fail(p->err, p->field, "write '%s' in lower case %s", *w,
					     lx_form_where(p, i, w2, sizeof w2));
				return LX_INVALID;
			}
			if (strcmp(*w, "and") == 0)
				t->kind = LX_TK_AND;
			else if (strcmp(*w, "or") == 0)
				t->kind = LX_TK_OR;
			else {
				t->kind = LX_TK_LIT;
				t->lit = strcmp(*w, "true") == 0 ? json_true() : strcmp(*w, "false") == 0 ? json_false()
													  : json_null();
			}
			break;
		}
	} else {
		char w[32];
		size_t cl = lx_form_char_len(s, p->n, i);
		lx_form_fail(p->err, p->field, "unexpected character '%.*s' %s", (int)cl, s + i,
			     lx_form_where(p, i, w, sizeof w));
		return LX_INVALID;
	}
	p->pos = i + t->len;
	return LX_OK;
}

/* The next token, without taking it. */
static int lx_form_peek(lx_form_px *p, const lx_form_tok **t)
{
	if (!p->have_la) {
		int rc = lx_form_lex(p, &p->la);
		if (rc != LX_OK)
			return rc;
		p->have_la = true;
	}
	*t = &p->la;
	return LX_OK;
}

/* Takes the next token into *t (its literal, if any, is then t's). */
static int lx_form_take(lx_form_px *p, lx_form_tok *t)
{
	const lx_form_tok *la;
	int rc = lx_form_peek(p, &la);
	if (rc != LX_OK)
		return rc;
	*t = p->la;
	p->have_la = false;
	memset(&p->la, 0, sizeof p->la);
	return LX_OK;
}

/* Appends a node to the expression; returns its index. Takes the
 * operands' literals. */
static size_t lx_form_push(lx_form_expr *e, const lx_form_node *nd)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->nodes = lx_xrealloc(e->nodes, e->cap * sizeof *e->nodes);
	}
	e->nodes[e->n] = *nd;
	return e->n++;
}


/* Turns token t into an operand (taking its literal). after is what came
 * before ("'=='"), NULL at the start of a comparison. */
static int lx_form_operand_of(lx_form_px *p, lx_form_tok *t, lx_form_operand *o, const char *after)
{
	char w[32];
	lx_form_where(p, t->pos, w, sizeof w);
	memset(o, 0, sizeof *o);
	switch (t->kind) {
	case LX_TK_LIT:
		o->kind = LX_FO_LIT;
		o->lit = t->lit;
		t->lit = NULL;
		return LX_OK;
	case LX_TK_DOT:
		if (!p->dot) {
			lx_form_fail(p->err, p->field, "'.' (this answer) is only for constraint and hazard_if; "
				     "relevant names earlier questions");
			return LX_INVALID;
		}
		o->kind = LX_FO_DOT;
		return LX_OK;
	case LX_TK_NAME: {
		char *name = lx_xstrndup(p->s + t->pos, t->len);
		long k = lx_form_find(p->f, p->self, name);
		int rc = LX_OK;
		if (k >= 0) {
			o->kind = LX_FO_REF;
			o->q = (size_t)k;
		} else if (strcmp(name, p->f->q[p->self].name) == 0) {
			if (p->dot)
				lx_form_fail(p->err, p->field, "'%s' is this question: write '.' for its answer", name);
			else
				lx_form_fail(p->err, p->field, "relevant cannot name its own question '%s'", name);
			rc = LX_INVALID;
		} else {
			bool later = false;
			for (size_t i = p->self + 1; i < json_array_size(p->all); i++) {
				const char *nm = json_string_value(json_object_get(json_array_get(p->all, i), "name"));
				if (nm && strcmp(nm, name) == 0)
					later = true;
			}
			if (later)
				lx_form_fail(p->err, p->field, "question '%s' comes later in the form (only earlier "
					     "questions may be named)", name);
			else
				lx_form_fail(p->err, p->field, "unknown question '%s' (only earlier questions may be "
					     "named)", name);
			rc = LX_INVALID;
		}
		free(name);
		return rc;
	}
	case LX_TK_END:
		if (after)
			lx_form_fail(p->err, p->field, "expected a JSON literal, a question name or '.' after %s %s",
				     after, w);
		else
			lx_form_fail(p->err, p->field, "expected a comparison (like gas_kind == \"bottled\") %s", w);
		return LX_INVALID;
	default:
		if (after)
			lx_form_fail(p->err, p->field, "expected a JSON literal, a question name or '.' after %s, "
				     "not '%.*s' %s", after, lx_form_quote_len(p->s + t->pos, t->len), p->s + t->pos, w);
		else
			lx_form_fail(p->err, p->field, "expected a comparison (like gas_kind == \"bottled\"), not "
				     "'%.*s' %s", lx_form_quote_len(p->s + t->pos, t->len), p->s + t->pos, w);
		return LX_INVALID;
	}
}

/* The question an operand reads (NULL for a literal). */
static const lx_form_question *lx_form_operand_question(const lx_form_px *p, const lx_form_operand *o)
{
	if (o->kind == LX_FO_REF)
		return &p->f->q[o->q];
	if (o->kind == LX_FO_DOT)
		return &p->f->q[p->self];
	return NULL;
}

/*
 * Checks that literal v can be what question q's answer is compared with by
 * op (v == NULL: the other side is not a literal). Returns LX_OK or
 * LX_INVALID with err set.
 */
static int lx_form_check_cmp(lx_form_px *p, lx_form_op op, const lx_form_question *q, const json_t *v)
{
	const char *tn = q ? lx_form_type_names[q->type] : NULL;
	if (op != LX_OP_EQ && op != LX_OP_NE) {
		if (q && q->type != LX_FT_NUMBER && q->type != LX_FT_PHOTO) {
			lx_form_fail(p->err, p->field, "'%s' compares numbers, and '%s' is a %s question",
				     lx_form_op_names[op], q->name, tn);
			return LX_INVALID;
		}
		if (v && !json_is_number(v)) {
			lx_form_fail(p->err, p->field, "'%s' compares numbers, not %s", lx_form_op_names[op],
				     json_is_string(v) ? "strings" : json_is_null(v) ? "null" : "true or false");
			return LX_INVALID;
		}
		return LX_OK;
	}
	if (!q || !v || json_is_null(v))
		return LX_OK;
	switch (q->type) {
	case LX_FT_YES_NO:
		if (json_is_boolean(v))
			return LX_OK;
		lx_form_fail(p->err, p->field, "'%s' is a yes_no question: compare it with true or false", q->name);
		return LX_INVALID;
	case LX_FT_CHOICE:
		if (lx_form_is_choice(q, v))
			return LX_OK;
		if (json_is_string(v))
			lx_form_fail(p->err, p->field, "\"%s\" is not one of the choices of '%s'", json_string_value(v),
				     q->name);
		else
			lx_form_fail(p->err, p->field, "'%s' is a choice question: compare it with one of its values",
				     q->name);
		return LX_INVALID;
	case LX_FT_NUMBER:
	case LX_FT_PHOTO:
		if (json_is_number(v))
			return LX_OK;
		lx_form_fail(p->err, p->field, "'%s' is a %s question: compare it with a number", q->name, tn);
		return LX_INVALID;
	case LX_FT_TEXT:
		if (json_is_string(v))
			return LX_OK;
		lx_form_fail(p->err, p->field, "'%s' is a text question: compare it with a string", q->name);
		return LX_INVALID;
	case LX_FT_GEOPOINT:
		lx_form_fail(p->err, p->field, "'%s' is a geopoint question: it can only be compared with null",
			     q->name);
		return LX_INVALID;
	default:
		break;
	}
	return LX_OK;
}

static int lx_form_p_or(lx_form_px *p, size_t *out);

/* primary := "(" expr ")" | operand op operand */
static int lx_form_p_primary(lx_form_px *p, size_t *out)
{
	int rc;
	char w[32];
	lx_form_tok t, op, bt;
	lx_form_node nd = {.kind = LX_FN_CMP};
	memset(&t, 0, sizeof t);
	memset(&op, 0, sizeof op);
	memset(&bt, 0, sizeof bt);

	rc = lx_form_take(p, &t);
	if (rc != LX_OK)
		goto cleanup;
	if (t.kind == LX_TK_LP) {
		if (++p->depth > LX_FORM_MAX_DEPTH) {
			lx_form_fail(p->err, p->field, "parentheses nested deeper than %d", LX_FORM_MAX_DEPTH);
			rc = LX_INVALID;
			goto cleanup;
		}
		rc = lx_form_p_or(p, out);
		if (rc != LX_OK)
			goto cleanup;
		rc = lx_form_take(p, &bt);
		if (rc != LX_OK)
			goto cleanup;
		if (bt.kind == LX_TK_END) {
			lx_form_fail(p->err, p->field, "missing ')' for the '(' at column %zu", t.pos + 1);
			rc = LX_INVALID;
		} else if (bt.kind != LX_TK_RP) {
			lx_form_fail(p->err, p->field, "unexpected '%.*s' %s (expected 'and', 'or' or ')')",
				     lx_form_quote_len(p->s + bt.pos, bt.len), p->s + bt.pos, lx_form_where(p, bt.pos, w, sizeof w));
			rc = LX_INVALID;
		}
		p->depth--;
		goto cleanup;
	}
	rc = lx_form_operand_of(p, &t, &nd.a, NULL);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_form_take(p, &op);
	if (rc != LX_OK)
		goto cleanup;
	if (op.kind != LX_TK_OP) {
		lx_form_fail(p->err, p->field, "expected '==', '!=', '<', '<=', '>' or '>=' after '%.*s' %s",
			     lx_form_quote_len(p->s + t.pos, t.len), p->s + t.pos, lx_form_where(p, op.pos, w, sizeof w));
		rc = LX_INVALID;
		goto cleanup;
	}
	nd.op = op.op;
	rc = lx_form_take(p, &bt);
	if (rc != LX_OK)
		goto cleanup;
	char after[8];
	snprintf(after, sizeof after, "'%s'", lx_form_op_names[op.op]);
	rc = lx_form_operand_of(p, &bt, &nd.b, after);
	if (rc != LX_OK)
		goto cleanup;
	const lx_form_question *qa = lx_form_operand_question(p, &nd.a);
	const lx_form_question *qb = lx_form_operand_question(p, &nd.b);
	rc = lx_form_check_cmp(p, nd.op, qa, nd.b.kind == LX_FO_LIT ? nd.b.lit : NULL);
	if (rc == LX_OK)
		rc = lx_form_check_cmp(p, nd.op, qb, nd.a.kind == LX_FO_LIT ? nd.a.lit : NULL);
	if (rc != LX_OK)
		goto cleanup;
	*out = lx_form_push(p->e, &nd);
	nd.a.lit = nd.b.lit = NULL; /* the expression's now */
cleanup:
	json_decref(nd.a.lit);
	json_decref(nd.b.lit);
	json_decref(t.lit);
	json_decref(op.lit);
	json_decref(bt.lit);
	return rc;
}

/* and := primary ("and" primary)* */
static int lx_form_p_and(lx_form_px *p, size_t *out)
{
	size_t l, r;
	int rc = lx_form_p_primary(p, &l);
	while (rc == LX_OK) {
		const lx_form_tok *t;
		rc = lx_form_peek(p, &t);
		if (rc != LX_OK || t->kind != LX_TK_AND)
			break;
		p->have_la = false;
		rc = lx_form_p_primary(p, &r);
		if (rc == LX_OK)
			l = lx_form_push(p->e, &(lx_form_node){.kind = LX_FN_AND, .l = l, .r = r});
	}
	*out = l;
	return rc;
}

/* expr := and ("or" and)* */
static int lx_form_p_or(lx_form_px *p, size_t *out)
{
	size_t l, r;
	int rc = lx_form_p_and(p, &l);
	while (rc == LX_OK) {
		const lx_form_tok *t;
		rc = lx_form_peek(p, &t);
		if (rc != LX_OK || t->kind != LX_TK_OR)
			break;
		p->have_la = false;
		rc = lx_form_p_and(p, &r);
		if (rc == LX_OK)
			l = lx_form_push(p->e, &(lx_form_node){.kind = LX_FN_OR, .l = l, .r = r});
	}
	*out = l;
	return rc;
}

/*
 * Parses the expression obj[key] of question self (already named) into
 * *out (NULL when absent or null). dot: "." allowed. Returns LX_OK,
 * LX_INVALID with err naming field, or LX_ERR.
 */
int lx_form_expr_parse(const lx_form *f, const json_t *all, size_t self, const json_t *v, bool dot,
			      const char *field, lx_form_expr **out, lx_form_error *err)
{
	int rc = LX_OK;
	char w[32];
	lx_form_px p = {0};
	*out = NULL;
	if (!json_is_string(v)) {
		lx_form_fail(err, field, "must be an expression (a string like gas_kind == \"bottled\")");
		return LX_INVALID;
	}
	if (!lx_form_no_nul(v)) {
		lx_form_fail(err, field, "an expression cannot contain NUL characters");
		return LX_INVALID;
	}
	if (lx_form_blank(v)) {
		lx_form_fail(err, field, "must be a non-empty expression");
		return LX_INVALID;
	}
	if (json_string_length(v) > LX_FORM_MAX_EXPR) {
		lx_form_fail(err, field, "expression longer than %d bytes", LX_FORM_MAX_EXPR);
		return LX_INVALID;
	}
	p.e = lx_xcalloc(1, sizeof *p.e);
	p.e->text = lx_xstrdup(json_string_value(v));
	p.s = p.e->text;
	p.n = json_string_length(v);
	p.f = f;
	p.all = all;
	p.self = self;
	p.dot = dot;
	p.field = field;
	p.err = err;

	size_t root;
	rc = lx_form_p_or(&p, &root);
	if (rc != LX_OK)
		goto cleanup;
	const lx_form_tok *t;
	rc = lx_form_peek(&p, &t);
	if (rc != LX_OK)
		goto cleanup;
	if (t->kind == LX_TK_RP) {
		lx_form_fail(err, field, "unmatched ')' %s", lx_form_where(&p, t->pos, w, sizeof w));
		rc = LX_INVALID;
		goto cleanup;
	}
	if (t->kind != LX_TK_END) {
		lx_form_fail(err, field, "unexpected '%.*s' %s (expected 'and', 'or' or the end)",
			     lx_form_quote_len(p.s + t->pos, t->len), p.s + t->pos, lx_form_where(&p, t->pos, w, sizeof w));
		rc = LX_INVALID;
		goto cleanup;
	}
	assert(p.e->n > 0 && root == p.e->n - 1);
	*out = p.e;
	p.e = NULL;
cleanup:
	if (p.have_la)
		json_decref(p.la.lit);
	lx_form_expr_free(p.e);
	return rc;
}


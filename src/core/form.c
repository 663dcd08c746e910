/*
 * form.c - checklist forms of grid visits (see form.h).
 *
 * A definition is checked once into an array of questions whose
 * expressions are trees of nodes in one array per expression (children
 * before parents, so the root is the last node). Names in expressions are
 * resolved to question indexes at parse time; evaluation reads the answers
 * kept so far from an array indexed the same way.
 */
#include "form.h"
#include "lx.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum {
	LX_FT_YES_NO,
	LX_FT_CHOICE,
	LX_FT_NUMBER,
	LX_FT_TEXT,
	LX_FT_PHOTO,
	LX_FT_GEOPOINT,
	LX_FT__N
} lx_form_type;

static const char *const lx_form_type_names[LX_FT__N] = {
	"yes_no", "choice", "number", "text", "photo", "geopoint",
};

/* What an operand of a comparison is. */
typedef enum { LX_FO_DOT, LX_FO_REF, LX_FO_LIT } lx_form_okind;

typedef struct lx_form_operand {
	lx_form_okind kind;
	size_t q;     /* LX_FO_REF: the question's index */
	json_t *lit;  /* LX_FO_LIT: owned by the node */
} lx_form_operand;

typedef enum { LX_FN_OR, LX_FN_AND, LX_FN_CMP } lx_form_nkind;
typedef enum { LX_OP_EQ, LX_OP_NE, LX_OP_LT, LX_OP_LE, LX_OP_GT, LX_OP_GE } lx_form_op;
static const char *const lx_form_op_names[] = {"==", "!=", "<", "<=", ">", ">="};

typedef struct lx_form_node {
	lx_form_nkind kind;
	lx_form_op op;          /* LX_FN_CMP */
	size_t l, r;            /* LX_FN_OR, LX_FN_AND: children's indexes (< this one's) */
	lx_form_operand a, b;   /* LX_FN_CMP: a op b */
} lx_form_node;

typedef struct lx_form_expr {
	char *text;             /* the source, for messages */
	lx_form_node *nodes;    /* the root is nodes[n - 1] */
	size_t n, cap;
} lx_form_expr;

typedef struct lx_form_rule {
	json_t *equals;         /* owned; NULL when the rule is an expr */
	lx_form_expr *expr;
	char *category;
	char *label;            /* NULL when none */
	int days;
} lx_form_rule;

typedef struct lx_form_question {
	char *name;
	char *label;
	lx_form_type type;
	bool required;
	char **choices;         /* LX_FT_CHOICE: the values */
	size_t nchoices;
	bool has_min, has_max;  /* LX_FT_NUMBER */
	double min, max;
	lx_form_expr *relevant;
	lx_form_expr *constraint;
	lx_form_rule *rules;
	size_t nrules;
} lx_form_question;

struct lx_form {
	lx_form_question *q;    /* all n allocated up front, zeroed until parsed */
	size_t n;
	const char **cats;      /* distinct rule categories, pointing into the rules */
	size_t ncats;
};

/* ---------------- errors ---------------- */

/* Cuts s back to its longest valid UTF-8 prefix (snprintf may have cut a
 * character in two). */
static void lx_form_utf8_fit(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && !lx_utf8_valid(s, n))
		n--;
	s[n] = '\0';
}

static void lx_form_fail(lx_form_error *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fills err (when not NULL) with field and the formatted message. */
static void lx_form_fail(lx_form_error *err, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return;
	snprintf(err->field, sizeof err->field, "%s", field);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	lx_form_utf8_fit(err->field);
	lx_form_utf8_fit(err->message);
}

/* "questions[i].key" into buf (at least 96 bytes). Returns buf. */
static char *lx_form_qfield(char *buf, size_t i, const char *key)
{
	if (key)
		snprintf(buf, 96, "questions[%zu].%s", i, key);
	else
		snprintf(buf, 96, "questions[%zu]", i);
	return buf;
}

/* ---------------- small helpers ---------------- */

static bool lx_form_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* True when the JSON string v is empty or only ASCII white space. */
static bool lx_form_blank(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	for (size_t i = 0; i < n; i++)
		if (!lx_form_space(s[i]))
			return false;
	return true;
}

/* True when the JSON string v holds no NUL byte. */
static bool lx_form_no_nul(const json_t *v)
{
	return strlen(json_string_value(v)) == json_string_length(v);
}

/* obj[key], NULL when absent or JSON null. */
static json_t *lx_form_get(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

/* True when s is [a-z_][a-z0-9_]* of 1..LX_FORM_MAX_NAME bytes. */
static bool lx_form_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > LX_FORM_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
		if (!ok)
			return false;
	}
	return true;
}

/* The words of the expressions, which cannot name questions. */
static const char *const lx_form_words[] = {"and", "or", "true", "false", "null", NULL};

static bool lx_form_reserved(const char *s)
{
	for (const char *const *w = lx_form_words; *w; w++)
		if (strcmp(s, *w) == 0)
			return true;
	return false;
}

/* True when s is a category code: [a-z0-9_.-]+ of at most LX_FORM_MAX_CATEGORY bytes. */
static bool lx_form_code_ok(const char *s, size_t n)
{
	if (n == 0 || n > LX_FORM_MAX_CATEGORY)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/*
 * Reads the string obj[key] into *out (a malloc'd copy the caller frees;
 * NULL when absent or null and not required). It must be non-blank, without
 * NUL, and at most max bytes. Returns LX_OK or LX_INVALID with err naming
 * field.
 */
static int lx_form_string(const json_t *obj, const char *key, bool required, size_t max, const char *field,
			  char **out, lx_form_error *err)
{
	json_t *v = lx_form_get(obj, key);
	*out = NULL;
	if (!v) {
		if (!required)
			return LX_OK;
		lx_form_fail(err, field, "%s is required (a non-blank string of at most %zu bytes)", key, max);
		return LX_INVALID;
	}
	if (!json_is_string(v) || lx_form_blank(v) || !lx_form_no_nul(v) || json_string_length(v) > max) {
		lx_form_fail(err, field, "%s must be a non-blank string of at most %zu bytes", key, max);
		return LX_INVALID;
	}
	*out = lx_xstrdup(json_string_value(v));
	return LX_OK;
}

/* Index of the question named name among the first n, or -1. */
static long lx_form_find(const lx_form *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (f->q[i].name && strcmp(f->q[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* True when v (a string) is one of q's choice values. */
static bool lx_form_is_choice(const lx_form_question *q, const json_t *v)
{
	if (!json_is_string(v))
		return false;
	for (size_t i = 0; i < q->nchoices; i++)
		if (strlen(q->choices[i]) == json_string_length(v) && strcmp(q->choices[i], json_string_value(v)) == 0)
			return true;
	return false;
}

/* ---------------- values ---------------- */

/* == on JSON values, NULL meaning null: numbers by value (1 == 1.0), values
 * of different kinds unequal. */
static bool lx_form_eq(const json_t *a, const json_t *b)
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

static bool lx_form_eval(const lx_form_expr *e, const json_t *const *vals, const json_t *dot)
{
	assert(e && e->n > 0);
	return lx_form_eval_node(e, e->n - 1, vals, dot);
}

static void lx_form_expr_free(lx_form_expr *e)
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
static int lx_form_expr_parse(const lx_form *f, const json_t *all, size_t self, const json_t *v, bool dot,
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

/* ---------------- definitions ---------------- */

static void lx_form_question_clear(lx_form_question *q)
{
	free(q->name);
	free(q->label);
	for (size_t i = 0; i < q->nchoices; i++)
		free(q->choices[i]);
	free(q->choices);
	lx_form_expr_free(q->relevant);
	lx_form_expr_free(q->constraint);
	for (size_t i = 0; i < q->nrules; i++) {
		json_decref(q->rules[i].equals);
		lx_form_expr_free(q->rules[i].expr);
		free(q->rules[i].category);
		free(q->rules[i].label);
	}
	free(q->rules);
	memset(q, 0, sizeof *q);
}

void lx_form_free(lx_form *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		lx_form_question_clear(&f->q[i]);
	free(f->q);
	free(f->cats);
	free(f);
}

/* The keys a question may have, and the type that may have each (-1: any). */
static const struct {
	const char *key;
	int type;
} lx_form_keys[] = {
	{"name", -1}, {"type", -1}, {"label", -1}, {"hint", -1}, {"required", -1}, {"relevant", -1},
	{"constraint", -1}, {"hazard_if", -1}, {"choices", LX_FT_CHOICE}, {"min", LX_FT_NUMBER},
	{"max", LX_FT_NUMBER}, {"unit", LX_FT_NUMBER},
};

/* Checks question i's keys against lx_form_keys once its type is known. */
static int lx_form_parse_keys(const json_t *obj, size_t i, lx_form_type type, lx_form_error *err)
{
	const char *key;
	json_t *v;
	char field[96];
	json_object_foreach((json_t *)obj, key, v) {
		size_t k = 0, nk = sizeof lx_form_keys / sizeof lx_form_keys[0];
		while (k < nk && strcmp(lx_form_keys[k].key, key) != 0)
			k++;
		if (k == nk) {
			lx_form_fail(err, lx_form_qfield(field, i, key), "unknown key '%s' (a question has name, type, "
				     "label, hint, required, relevant, constraint, hazard_if, choices, min, max, unit)", key);
			return LX_INVALID;
		}
		if (lx_form_keys[k].type >= 0 && lx_form_keys[k].type != (int)type && !json_is_null(v)) {
			lx_form_fail(err, lx_form_qfield(field, i, key), "%s is only for %s questions", key,
				     lx_form_type_names[lx_form_keys[k].type]);
			return LX_INVALID;
		}
	}
	return LX_OK;
}

/* Question i's name, checked: an identifier, not reserved, not an earlier one's. */
static int lx_form_parse_name(lx_form *f, const json_t *obj, size_t i, lx_form_error *err)
{
	char field[96];
	json_t *v = lx_form_get(obj, "name");
	lx_form_qfield(field, i, "name");
	if (!v) {
		lx_form_fail(err, field, "name is required (an identifier like gas_kind)");
		return LX_INVALID;
	}
	if (!json_is_string(v) || !lx_form_name_ok(json_string_value(v), json_string_length(v))) {
		lx_form_fail(err, field, "name must be an identifier of at most %d bytes: a-z, 0-9 and _, not "
			     "starting with a digit", LX_FORM_MAX_NAME);
		return LX_INVALID;
	}
	const char *name = json_string_value(v);
	if (lx_form_reserved(name)) {
		lx_form_fail(err, field, "name '%s' is reserved (a word of the expressions)", name);
		return LX_INVALID;
	}
	long k = lx_form_find(f, i, name);
	if (k >= 0) {
		lx_form_fail(err, field, "name '%s' is already the name of questions[%ld]", name, k);
		return LX_INVALID;
	}
	f->q[i].name = lx_xstrdup(name);
	return LX_OK;
}

/* A choice question's choices into q. */
static int lx_form_parse_choices(lx_form_question *q, const json_t *obj, size_t i, lx_form_error *err)
{
	char field[96], key[40];
	json_t *cs = lx_form_get(obj, "choices");
	lx_form_qfield(field, i, "choices");
	if (!json_is_array(cs) || json_array_size(cs) == 0) {
		lx_form_fail(err, field, "a choice question needs choices: a non-empty array of values or of "
			     "{\"value\", \"label\"} objects");
		return LX_INVALID;
	}
	if (json_array_size(cs) > LX_FORM_MAX_CHOICES) {
		lx_form_fail(err, field, "at most %d choices", LX_FORM_MAX_CHOICES);
		return LX_INVALID;
	}
	q->choices = lx_xcalloc(json_array_size(cs), sizeof *q->choices);
	for (size_t j = 0; j < json_array_size(cs); j++) {
		json_t *c = json_array_get(cs, j), *value = c;
		snprintf(key, sizeof key, "choices[%zu]", j);
		if (json_is_object(c)) {
			const char *k;
			json_t *kv;
			json_object_foreach(c, k, kv) {
				if (strcmp(k, "value") != 0 && strcmp(k, "label") != 0) {
					snprintf(key, sizeof key, "choices[%zu]", j);
					lx_form_fail(err, lx_form_qfield(field, i, key), "unknown key '%s' in a choice "
						     "(expected value and label)", k);
					return LX_INVALID;
				}
			}
			char *label = NULL;
			snprintf(key, sizeof key, "choices[%zu].label", j);
			int rc = lx_form_string(c, "label", true, LX_FORM_MAX_LABEL, lx_form_qfield(field, i, key), &label,
						err);
			free(label);
			if (rc != LX_OK)
				return rc;
			snprintf(key, sizeof key, "choices[%zu].value", j);
			value = lx_form_get(c, "value");
		}
		lx_form_qfield(field, i, key);
		if (!json_is_string(value) || lx_form_blank(value) || !lx_form_no_nul(value) ||
		    json_string_length(value) > LX_FORM_MAX_VALUE) {
			lx_form_fail(err, field, "a choice's value must be a non-blank string of at most %d bytes",
				     LX_FORM_MAX_VALUE);
			return LX_INVALID;
		}
		if (lx_form_is_choice(q, value)) {
			lx_form_fail(err, field, "the value '%s' is already a choice", json_string_value(value));
			return LX_INVALID;
		}
		q->choices[q->nchoices++] = lx_xstrdup(json_string_value(value));
	}
	return LX_OK;
}

/* A number question's min, max (and unit, only checked). */
static int lx_form_parse_range(lx_form_question *q, const json_t *obj, size_t i, lx_form_error *err)
{
	char field[96];
	static const char *const keys[] = {"min", "max"};
	for (size_t k = 0; k < 2; k++) {
		json_t *v = lx_form_get(obj, keys[k]);
		if (!v)
			continue;
		if (!json_is_number(v)) {
			lx_form_fail(err, lx_form_qfield(field, i, keys[k]), "%s must be a number", keys[k]);
			return LX_INVALID;
		}
		if (k == 0) {
			q->has_min = true;
			q->min = json_number_value(v);
		} else {
			q->has_max = true;
			q->max = json_number_value(v);
		}
	}
	if (q->has_min && q->has_max && q->min > q->max) {
		lx_form_fail(err, lx_form_qfield(field, i, "min"), "min (%g) is greater than max (%g)", q->min, q->max);
		return LX_INVALID;
	}
	char *unit = NULL;
	int rc = lx_form_string(obj, "unit", false, LX_FORM_MAX_UNIT, lx_form_qfield(field, i, "unit"), &unit, err);
	free(unit);
	return rc;
}

/* Checks that an "equals" rule's value v is an answer question q can have. */
static int lx_form_check_equals(const lx_form_question *q, const json_t *v, const char *field, lx_form_error *err)
{
	bool ok;
	if (json_is_null(v)) {
		lx_form_fail(err, field, "equals null never matches: rules are tried on given answers only");
		return LX_INVALID;
	}
	if (json_is_object(v) || json_is_array(v)) {
		lx_form_fail(err, field, "equals must be a JSON literal (true, false, a number or a string)");
		return LX_INVALID;
	}
	switch (q->type) {
	case LX_FT_YES_NO: ok = json_is_boolean(v); break;
	case LX_FT_CHOICE: ok = lx_form_is_choice(q, v); break;
	case LX_FT_NUMBER: ok = json_is_number(v); break;
	case LX_FT_TEXT: ok = json_is_string(v); break;
	default: ok = false; break;
	}
	if (ok)
		return LX_OK;
	switch (q->type) {
	case LX_FT_YES_NO:
		lx_form_fail(err, field, "equals must be true or false for a yes_no question");
		break;
	case LX_FT_CHOICE:
		lx_form_fail(err, field, "equals must be one of the question's choice values");
		break;
	case LX_FT_NUMBER:
		lx_form_fail(err, field, "equals must be a number for a number question");
		break;
	case LX_FT_TEXT:
		lx_form_fail(err, field, "equals must be a string for a text question");
		break;
	default:
		lx_form_fail(err, field, "a %s question cannot have an equals rule (use expr)",
			     lx_form_type_names[q->type]);
		break;
	}
	return LX_INVALID;
}

/* One hazard_if rule of question i into *r; base is its field ("questions[i].hazard_if" or "...[j]"). */
static int lx_form_parse_rule(lx_form *f, const json_t *all, size_t i, const json_t *obj, const char *base,
			      lx_form_rule *r, lx_form_error *err)
{
	char field[96];
	const char *key;
	json_t *v;
	int rc;
	if (!json_is_object(obj)) {
		lx_form_fail(err, base, "a hazard_if rule must be an object {\"equals\" or \"expr\", \"category\", "
			     "\"days\", \"label\"?}");
		return LX_INVALID;
	}
	json_object_foreach((json_t *)obj, key, v) {
		if (strcmp(key, "equals") != 0 && strcmp(key, "expr") != 0 && strcmp(key, "category") != 0 &&
		    strcmp(key, "days") != 0 && strcmp(key, "label") != 0) {
			snprintf(field, sizeof field, "%s.%s", base, key);
			lx_form_fail(err, field, "unknown key '%s' in a hazard_if rule (expected equals or expr, "
				     "category, days, label)", key);
			return LX_INVALID;
		}
	}
	json_t *eq = json_object_get(obj, "equals"), *ex = json_object_get(obj, "expr");
	if (eq && ex) {
		lx_form_fail(err, base, "a hazard_if rule has either equals or expr, not both");
		return LX_INVALID;
	}
	if (!eq && !ex) {
		lx_form_fail(err, base, "a hazard_if rule needs equals (an answer) or expr (an expression on .)");
		return LX_INVALID;
	}
	if (eq) {
		snprintf(field, sizeof field, "%s.equals", base);
		rc = lx_form_check_equals(&f->q[i], eq, field, err);
		if (rc != LX_OK)
			return rc;
		r->equals = json_deep_copy(eq);
		if (!r->equals)
			return LX_ERR;
	} else {
		snprintf(field, sizeof field, "%s.expr", base);
		rc = lx_form_expr_parse(f, all, i, ex, true, field, &r->expr, err);
		if (rc != LX_OK)
			return rc;
	}
	json_t *cat = lx_form_get(obj, "category");
	snprintf(field, sizeof field, "%s.category", base);
	if (!json_is_string(cat) || !lx_form_code_ok(json_string_value(cat), json_string_length(cat))) {
		lx_form_fail(err, field, "category must be a category code of at most %d bytes: a-z, 0-9, '_', "
			     "'.' and '-'", LX_FORM_MAX_CATEGORY);
		return LX_INVALID;
	}
	r->category = lx_xstrdup(json_string_value(cat));
	json_t *days = lx_form_get(obj, "days");
	snprintf(field, sizeof field, "%s.days", base);
	if (!json_is_integer(days) || json_integer_value(days) < 1 || json_integer_value(days) > LX_FORM_MAX_DAYS) {
		lx_form_fail(err, field, "days must be a whole number of working days from 1 to %d", LX_FORM_MAX_DAYS);
		return LX_INVALID;
	}
	r->days = (int)json_integer_value(days);
	snprintf(field, sizeof field, "%s.label", base);
	return lx_form_string(obj, "label", false, LX_FORM_MAX_LABEL, field, &r->label, err);
}

/* Question i's hazard_if: one rule or an array of them. */
static int lx_form_parse_rules(lx_form *f, const json_t *all, size_t i, const json_t *obj, lx_form_error *err)
{
	char base[96];
	lx_form_question *q = &f->q[i];
	json_t *h = lx_form_get(obj, "hazard_if");
	if (!h)
		return LX_OK;
	lx_form_qfield(base, i, "hazard_if");
	if (json_is_object(h)) {
		q->rules = lx_xcalloc(1, sizeof *q->rules);
		q->nrules = 1;
		return lx_form_parse_rule(f, all, i, h, base, &q->rules[0], err);
	}
	if (!json_is_array(h) || json_array_size(h) == 0 || json_array_size(h) > LX_FORM_MAX_RULES) {
		lx_form_fail(err, base, "hazard_if must be a rule object or an array of 1 to %d rule objects",
			     LX_FORM_MAX_RULES);
		return LX_INVALID;
	}
	q->rules = lx_xcalloc(json_array_size(h), sizeof *q->rules);
	for (size_t j = 0; j < json_array_size(h); j++) {
		char field[96];
		snprintf(field, sizeof field, "questions[%zu].hazard_if[%zu]", i, j);
		q->nrules++;
		int rc = lx_form_parse_rule(f, all, i, json_array_get(h, j), field, &q->rules[j], err);
		if (rc != LX_OK)
			return rc;
	}
	return LX_OK;
}

/* Question i of the definition all into f->q[i]. */
static int lx_form_parse_question(lx_form *f, const json_t *all, size_t i, lx_form_error *err)
{
	char field[96];
	int rc;
	lx_form_question *q = &f->q[i];
	const json_t *obj = json_array_get(all, i);
	if (!json_is_object(obj)) {
		lx_form_fail(err, lx_form_qfield(field, i, NULL), "a question must be an object {\"name\", \"type\", "
			     "\"label\", ...}");
		return LX_INVALID;
	}
	rc = lx_form_parse_name(f, obj, i, err);
	if (rc != LX_OK)
		return rc;

	json_t *type = lx_form_get(obj, "type");
	int t = 0;
	while (t < LX_FT__N && !(json_is_string(type) && strcmp(json_string_value(type), lx_form_type_names[t]) == 0))
		t++;
	if (t == LX_FT__N) {
		lx_form_fail(err, lx_form_qfield(field, i, "type"), "type must be one of yes_no, choice, number, text, "
			     "photo, geopoint");
		return LX_INVALID;
	}
	q->type = (lx_form_type)t;
	rc = lx_form_parse_keys(obj, i, q->type, err);
	if (rc != LX_OK)
		return rc;
	rc = lx_form_string(obj, "label", true, LX_FORM_MAX_LABEL, lx_form_qfield(field, i, "label"), &q->label, err);
	if (rc != LX_OK)
		return rc;
	char *hint = NULL;
	rc = lx_form_string(obj, "hint", false, LX_FORM_MAX_HINT, lx_form_qfield(field, i, "hint"), &hint, err);
	free(hint);
	if (rc != LX_OK)
		return rc;
	json_t *req = lx_form_get(obj, "required");
	if (req && !json_is_boolean(req)) {
		lx_form_fail(err, lx_form_qfield(field, i, "required"), "required must be true or false");
		return LX_INVALID;
	}
	q->required = json_is_true(req);
	if (q->type == LX_FT_CHOICE)
		rc = lx_form_parse_choices(q, obj, i, err);
	else if (q->type == LX_FT_NUMBER)
		rc = lx_form_parse_range(q, obj, i, err);
	if (rc != LX_OK)
		return rc;

	json_t *v = lx_form_get(obj, "relevant");
	if (v) {
		rc = lx_form_expr_parse(f, all, i, v, false, lx_form_qfield(field, i, "relevant"), &q->relevant, err);
		if (rc != LX_OK)
			return rc;
	}
	v = lx_form_get(obj, "constraint");
	if (v) {
		rc = lx_form_expr_parse(f, all, i, v, true, lx_form_qfield(field, i, "constraint"), &q->constraint,
					err);
		if (rc != LX_OK)
			return rc;
	}
	return lx_form_parse_rules(f, all, i, obj, err);
}

/* The distinct categories of f's rules into f->cats. */
static void lx_form_collect_categories(lx_form *f)
{
	size_t total = 0;
	for (size_t i = 0; i < f->n; i++)
		total += f->q[i].nrules;
	if (total == 0)
		return;
	f->cats = lx_xcalloc(total, sizeof *f->cats);
	for (size_t i = 0; i < f->n; i++) {
		for (size_t j = 0; j < f->q[i].nrules; j++) {
			const char *c = f->q[i].rules[j].category;
			size_t k = 0;
			while (k < f->ncats && strcmp(f->cats[k], c) != 0)
				k++;
			if (k == f->ncats)
				f->cats[f->ncats++] = c;
		}
	}
}

int lx_form_parse(const json_t *questions, lx_form **out, lx_form_error *err)
{
	int rc = LX_OK;
	lx_form *f = NULL;
	assert(out);
	if (err)
		err->field[0] = err->message[0] = '\0';
	if (!json_is_array(questions) || json_array_size(questions) == 0) {
		lx_form_fail(err, "questions", "questions must be a non-empty array of question objects");
		rc = LX_INVALID;
		goto cleanup;
	}
	if (json_array_size(questions) > LX_FORM_MAX_QUESTIONS) {
		lx_form_fail(err, "questions", "a form has at most %d questions", LX_FORM_MAX_QUESTIONS);
		rc = LX_INVALID;
		goto cleanup;
	}
	f = lx_xcalloc(1, sizeof *f);
	f->n = json_array_size(questions);
	f->q = lx_xcalloc(f->n, sizeof *f->q);
	for (size_t i = 0; i < f->n; i++) {
		rc = lx_form_parse_question(f, questions, i, err);
		if (rc != LX_OK)
			goto cleanup;
	}
	lx_form_collect_categories(f);
	*out = f;
	f = NULL;
cleanup:
	lx_form_free(f);
	return rc;
}

size_t lx_form_count(const lx_form *f)
{
	assert(f);
	return f->n;
}

const char *lx_form_question_name(const lx_form *f, size_t i)
{
	assert(f && i < f->n);
	return f->q[i].name;
}

const char *lx_form_question_label(const lx_form *f, size_t i)
{
	assert(f && i < f->n);
	return f->q[i].label;
}

const char *lx_form_question_type(const lx_form *f, size_t i)
{
	assert(f && i < f->n);
	return lx_form_type_names[f->q[i].type];
}

size_t lx_form_hazard_categories(const lx_form *f, const char *const **codes)
{
	assert(f && codes);
	*codes = f->cats;
	return f->ncats;
}

/* ---------------- answers ---------------- */

/* Checks answer v (not null) of question q; LX_OK or LX_INVALID naming field. */
static int lx_form_check_answer(const lx_form_question *q, const json_t *v, const char *field, lx_form_error *err)
{
	const char *nm = q->name;
	switch (q->type) {
	case LX_FT_YES_NO:
		if (json_is_boolean(v))
			return LX_OK;
		lx_form_fail(err, field, "answer '%s' must be true or false", nm);
		return LX_INVALID;
	case LX_FT_CHOICE: {
		if (lx_form_is_choice(q, v))
			return LX_OK;
		lx_buf b;
		lx_buf_init(&b);
		for (size_t i = 0; i < q->nchoices; i++)
			lx_buf_printf(&b, "%s%s", i ? ", " : "", q->choices[i]);
		lx_form_fail(err, field, "answer '%s' must be one of %s", nm, b.data);
		lx_buf_free(&b);
		return LX_INVALID;
	}
	case LX_FT_NUMBER: {
		double x = json_number_value(v);
		if (json_is_number(v) && (!q->has_min || x >= q->min) && (!q->has_max || x <= q->max))
			return LX_OK;
		if (q->has_min && q->has_max)
			lx_form_fail(err, field, "answer '%s' must be a number between %g and %g", nm, q->min, q->max);
		else if (q->has_min)
			lx_form_fail(err, field, "answer '%s' must be a number of at least %g", nm, q->min);
		else if (q->has_max)
			lx_form_fail(err, field, "answer '%s' must be a number of at most %g", nm, q->max);
		else
			lx_form_fail(err, field, "answer '%s' must be a number", nm);
		return LX_INVALID;
	}
	case LX_FT_TEXT:
		if (json_is_string(v) && json_string_length(v) <= LX_FORM_MAX_TEXT && lx_form_no_nul(v))
			return LX_OK;
		lx_form_fail(err, field, "answer '%s' must be a string of at most %d bytes without NUL characters", nm,
			     LX_FORM_MAX_TEXT);
		return LX_INVALID;
	case LX_FT_PHOTO:
		if (json_is_integer(v) && json_integer_value(v) > 0)
			return LX_OK;
		lx_form_fail(err, field, "answer '%s' must be an attachment id (a positive integer)", nm);
		return LX_INVALID;
	case LX_FT_GEOPOINT: {
		json_t *lat = json_array_get(v, 0), *lon = json_array_get(v, 1);
		if (json_is_array(v) && json_array_size(v) == 2 && json_is_number(lat) && json_is_number(lon) &&
		    json_number_value(lat) >= -90 && json_number_value(lat) <= 90 && json_number_value(lon) >= -180 &&
		    json_number_value(lon) <= 180)
			return LX_OK;
		lx_form_fail(err, field, "answer '%s' must be [lat, lon]: two numbers, lat in [-90, 90] and lon in "
			     "[-180, 180]", nm);
		return LX_INVALID;
	}
	default:
		break;
	}
	assert(!"unknown question type");
	return LX_INVALID;
}

void lx_form_result_clear(lx_form_result *res)
{
	if (!res)
		return;
	json_decref(res->kept);
	free(res->hazards);
	free(res->photos);
	memset(res, 0, sizeof *res);
}

/* Tries question q's rules on its kept answer v, appending to res. */
static void lx_form_hazards(const lx_form_question *q, const json_t *v, const json_t *const *vals,
			    lx_form_result *res)
{
	for (size_t j = 0; j < q->nrules; j++) {
		const lx_form_rule *r = &q->rules[j];
		bool hit = r->equals ? lx_form_eq(v, r->equals) : lx_form_eval(r->expr, vals, v);
		if (!hit)
			continue;
		res->hazards = lx_xrealloc(res->hazards, (res->nhazards + 1) * sizeof *res->hazards);
		res->hazards[res->nhazards++] = (lx_form_hazard){
			.question = q->name,
			.question_label = q->label,
			.category = r->category,
			.label = r->label,
			.days = r->days,
			.answer = v,
		};
	}
}

int lx_form_check(const lx_form *f, const json_t *answers, lx_form_result *res, lx_form_error *err)
{
	int rc = LX_OK;
	char field[96];
	const json_t **vals = NULL;
	assert(f && res);
	memset(res, 0, sizeof *res);
	if (err)
		err->field[0] = err->message[0] = '\0';
	if (answers && !json_is_object(answers)) {
		lx_form_fail(err, "answers", "answers must be an object (question name -> answer)");
		rc = LX_INVALID;
		goto cleanup;
	}
	if (answers) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)answers, key, v) {
			if (lx_form_find(f, f->n, key) < 0) {
				snprintf(field, sizeof field, "answers.%s", key);
				lx_form_fail(err, field, "no question '%s' in this form", key);
				rc = LX_INVALID;
				goto cleanup;
			}
		}
	}
	res->kept = json_object();
	if (!res->kept) {
		rc = LX_ERR;
		goto cleanup;
	}
	vals = lx_xcalloc(f->n, sizeof *vals);
	for (size_t i = 0; i < f->n; i++) {
		const lx_form_question *q = &f->q[i];
		const json_t *v = answers ? lx_form_get(answers, q->name) : NULL;
		if (q->relevant && !lx_form_eval(q->relevant, vals, NULL))
			continue; /* dropped */
		if (v && q->type == LX_FT_TEXT && json_is_string(v) && lx_form_blank(v))
			v = NULL;
		snprintf(field, sizeof field, "answers.%s", q->name);
		if (!v) {
			if (q->required) {
				lx_form_fail(err, field, "answer '%s' is required", q->name);
				rc = LX_INVALID;
				goto cleanup;
			}
			continue;
		}
		rc = lx_form_check_answer(q, v, field, err);
		if (rc != LX_OK)
			goto cleanup;
		if (q->constraint && !lx_form_eval(q->constraint, vals, v)) {
			lx_form_fail(err, field, "answer '%s' does not meet its constraint: %s", q->name,
				     q->constraint->text);
			rc = LX_INVALID;
			goto cleanup;
		}
		json_t *copy = json_deep_copy(v);
		if (!copy || json_object_set_new(res->kept, q->name, copy) != 0) {
			rc = LX_ERR;
			goto cleanup;
		}
		vals[i] = copy;
		lx_form_hazards(q, copy, vals, res);
		if (q->type == LX_FT_PHOTO) {
			res->photos = lx_xrealloc(res->photos, (res->nphotos + 1) * sizeof *res->photos);
			res->photos[res->nphotos++] = (lx_form_photo){
				.question = q->name,
				.attachment_id = (int64_t)json_integer_value(copy),
			};
		}
	}
cleanup:
	free(vals);
	if (rc != LX_OK)
		lx_form_result_clear(res);
	return rc;
}

/* ---------------- the ready definitions ---------------- */

static const char lx_form_gas_json[] =
	"["
	"{\"name\":\"gas_kind\",\"type\":\"choice\",\"label\":\"使用的燃气类型\",\"required\":true,"
	"\"choices\":[{\"value\":\"pipeline\",\"label\":\"管道燃气\"},{\"value\":\"bottled\",\"label\":\"瓶装液化气\"},"
	"{\"value\":\"none\",\"label\":\"不使用燃气\"}]},"
	"{\"name\":\"pipe_joints_ok\",\"type\":\"yes_no\",\"label\":\"燃气管道及接口无漏气\","
	"\"hint\":\"用肥皂水涂抹接口检查，有气泡即为漏气\",\"required\":true,\"relevant\":\"gas_kind != \\\"none\\\"\","
	"\"hazard_if\":{\"equals\":false,\"category\":\"0605\",\"days\":3,\"label\":\"燃气管道接口漏气\"}},"
	"{\"name\":\"meter_ok\",\"type\":\"yes_no\",\"label\":\"燃气表外观完好、运行正常\",\"required\":true,"
	"\"relevant\":\"gas_kind == \\\"pipeline\\\"\"},"
	"{\"name\":\"ventilation_ok\",\"type\":\"yes_no\",\"label\":\"用气场所通风良好\","
	"\"hint\":\"厨房未封闭，有可开启的窗户或排风设施\",\"required\":true,\"relevant\":\"gas_kind != \\\"none\\\"\","
	"\"hazard_if\":{\"equals\":false,\"category\":\"0605\",\"days\":5,\"label\":\"用气场所通风不良\"}},"
	"{\"name\":\"valve_ok\",\"type\":\"yes_no\",\"label\":\"燃气阀门开关灵活、无锈蚀\",\"required\":true,"
	"\"relevant\":\"gas_kind != \\\"none\\\"\"},"
	"{\"name\":\"hose_ok\",\"type\":\"yes_no\",\"label\":\"连接软管无老化、龟裂，两端有卡箍固定\",\"required\":true,"
	"\"relevant\":\"gas_kind == \\\"bottled\\\"\"},"
	"{\"name\":\"hose_age_years\",\"type\":\"number\",\"label\":\"连接软管已使用年限\",\"min\":0,\"max\":30,"
	"\"unit\":\"年\",\"relevant\":\"gas_kind == \\\"bottled\\\"\","
	"\"hazard_if\":{\"expr\":\". > 2\",\"category\":\"0605\",\"days\":5,\"label\":\"橡胶软管超过2年\"}},"
	"{\"name\":\"alarm_installed\",\"type\":\"yes_no\",\"label\":\"已安装可燃气体报警器\",\"required\":true,"
	"\"relevant\":\"gas_kind != \\\"none\\\"\"},"
	"{\"name\":\"appliance_age_years\",\"type\":\"number\",\"label\":\"燃气灶具已使用年限\",\"min\":0,\"max\":50,"
	"\"unit\":\"年\",\"relevant\":\"gas_kind != \\\"none\\\"\","
	"\"hazard_if\":{\"expr\":\". >= 8\",\"category\":\"0605\",\"days\":10,\"label\":\"燃气灶具超期使用\"}},"
	"{\"name\":\"photo\",\"type\":\"photo\",\"label\":\"现场照片\"},"
	"{\"name\":\"notes\",\"type\":\"text\",\"label\":\"备注\"}"
	"]";

static const char lx_form_knock_json[] =
	"["
	"{\"name\":\"seen_in_person\",\"type\":\"yes_no\",\"label\":\"当面见到老人本人\",\"required\":true},"
	"{\"name\":\"health\",\"type\":\"choice\",\"label\":\"身体状况\","
	"\"choices\":[{\"value\":\"good\",\"label\":\"良好\"},{\"value\":\"fair\",\"label\":\"一般\"},"
	"{\"value\":\"poor\",\"label\":\"较差\"},{\"value\":\"needs_care\",\"label\":\"需就医\"}],"
	"\"hazard_if\":{\"equals\":\"needs_care\",\"category\":\"0707\",\"days\":1,"
	"\"label\":\"独居老人需要照护\"}},"
	"{\"name\":\"needs\",\"type\":\"text\",\"label\":\"需求与困难\"},"
	"{\"name\":\"food_ok\",\"type\":\"yes_no\",\"label\":\"饮食有保障\"},"
	"{\"name\":\"home_safe\",\"type\":\"yes_no\",\"label\":\"居家环境安全（水、电、气无隐患）\"},"
	"{\"name\":\"notes\",\"type\":\"text\",\"label\":\"备注\"}"
	"]";

json_t *lx_form_builtin_gas(void)
{
	return json_loads(lx_form_gas_json, 0, NULL);
}

json_t *lx_form_builtin_knock(void)
{
	return json_loads(lx_form_knock_json, 0, NULL);
}

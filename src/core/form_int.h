/*
 * form_int.h - what the files of the checklist forms share (core/form.c:
 * definitions; form_expr.c: values and expressions; form_check.c: a
 * visit's answers and the ready forms). See form.h.
 */
#ifndef LX_FORM_INT_H
#define LX_FORM_INT_H

#include "form.h"
#include "lx.h"

#include <stdbool.h>
#include <stddef.h>

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

/* form.c: small checks. Blank: null, or text of spaces only (no answer);
 * a JSON value without NUL; the key of obj or NULL; the index of question
 * name among the first n, or -1; err filled (when not NULL) with field and
 * the message. */
bool lx_form_blank(const json_t *v);
bool lx_form_is_choice(const lx_form_question *q, const json_t *v);
bool lx_form_no_nul(const json_t *v);
bool lx_form_space(char c);
json_t *lx_form_get(const json_t *obj, const char *key);
long lx_form_find(const lx_form *f, size_t n, const char *name);
void lx_form_fail(lx_form_error *err, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
extern const char *const lx_form_words[]; /* the words no question may be named */

/* form_expr.c: JSON equality as answers compare (1 == 1.0); an
 * expression's value on the answers kept so far (dot: this answer); the
 * parser of one expression of question self (dot: `.` allowed), into *out
 * (the caller frees it); LX_OK or LX_INVALID with err naming field. */
bool lx_form_eq(const json_t *a, const json_t *b);
bool lx_form_eval(const lx_form_expr *e, const json_t *const *vals, const json_t *dot);
int lx_form_expr_parse(const lx_form *f, const json_t *all, size_t self, const json_t *v, bool dot, const char *field,
		       lx_form_expr **out, lx_form_error *err);
void lx_form_expr_free(lx_form_expr *e);

#endif

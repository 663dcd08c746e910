/*
 * form.h - the checklist forms of grid visits (P9): a form definition is a
 * JSON array of questions, checked once into an lx_form; one visit's
 * answers (a JSON object, question name -> answer) are then checked against
 * it, which keeps the answers of the questions that apply, finds the
 * hazards they reveal and lists the photos they name.
 *
 * The semantics follow XLSForm/ODK (relevant, constraint, required) in a
 * smaller language of our own:
 *
 *   expr    := and ( "or" and )*
 *   and     := primary ( "and" primary )*
 *   primary := "(" expr ")" | operand op operand
 *   op      := "==" | "!=" | "<" | "<=" | ">" | ">="
 *   operand := "." | question name | JSON literal (true, false, null, a
 *              number, a "string" in double quotes with JSON escapes)
 *
 * "." is this question's answer (constraint and hazard_if expr only); a
 * name must be an earlier question's. A name whose answer is missing or was
 * dropped reads as null. == and != compare JSON values (numbers by value:
 * 1 == 1.0; values of different kinds are unequal); <, <=, > and >= are
 * false unless both sides are numbers.
 *
 * Pure: no I/O, no SQL.
 */
#ifndef LX_FORM_H
#define LX_FORM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define LX_FORM_MAX_QUESTIONS 200
#define LX_FORM_MAX_NAME 48      /* bytes of a question name */
#define LX_FORM_MAX_LABEL 200    /* bytes of a label (questions, choices, hazards) */
#define LX_FORM_MAX_HINT 500     /* bytes of a question's hint */
#define LX_FORM_MAX_UNIT 32      /* bytes of a number question's unit */
#define LX_FORM_MAX_CHOICES 100  /* choices of a choice question */
#define LX_FORM_MAX_VALUE 100    /* bytes of a choice's value */
#define LX_FORM_MAX_RULES 10     /* hazard_if rules of one question */
#define LX_FORM_MAX_CATEGORY 64  /* bytes of a hazard's category code */
#define LX_FORM_MAX_DAYS 365     /* working days to rectify a hazard: 1..this */
#define LX_FORM_MAX_EXPR 500     /* bytes of an expression */
#define LX_FORM_MAX_DEPTH 10     /* parentheses nested in an expression */
#define LX_FORM_MAX_TEXT 2000    /* bytes of a text answer */

/* What was wrong, for a 422 reply. field is "questions[3].relevant",
 * "questions[0].hazard_if[1].days", "questions" (the whole definition),
 * "answers.hose_ok" or "answers" (the whole object); message is plain
 * English naming what was expected. Both are valid UTF-8 (text taken from
 * the input is cut at a character boundary to fit). */
typedef struct lx_form_error {
	char field[96];
	char message[200];
} lx_form_error;

/* A parsed, checked definition (opaque). */
typedef struct lx_form lx_form;

/*
 * Checks a form definition, a JSON array of 1..LX_FORM_MAX_QUESTIONS
 * question objects. Keys of a question (any other key is an error):
 *   name      [a-z_][a-z0-9_]*, at most LX_FORM_MAX_NAME bytes, unique, not
 *             a word of the expressions (and, or, true, false, null)
 *   type      "yes_no" | "choice" | "number" | "text" | "photo" | "geopoint"
 *   label     non-blank string, at most LX_FORM_MAX_LABEL bytes
 *   hint      optional string, at most LX_FORM_MAX_HINT bytes
 *   required  optional boolean (default false)
 *   relevant  optional expression over earlier questions (no ".")
 *   constraint optional expression with "." (this answer) and earlier names
 *   hazard_if optional rule or non-empty array of rules (at most
 *             LX_FORM_MAX_RULES): {"equals": literal | "expr": expression,
 *             "category": code [a-z0-9_.-]+, "days": integer 1..365,
 *             "label"?: non-blank string}; exactly one of equals and expr
 *   choices   choice only, required: a non-empty array of value strings or
 *             of {"value", "label"} objects; values unique, non-empty
 *   min, max  number only, optional numbers, min <= max
 *   unit      number only, optional non-blank string
 * Literals are checked against the question they are compared with where
 * that is known: a choice question only equals one of its values (or
 * null), a yes_no question true or false, a number or photo question a
 * number; <, <=, > and >= need numbers; an "equals" rule needs an answer
 * the question can have.
 *
 * Expressions are parsed here, once, into trees (at most LX_FORM_MAX_EXPR
 * bytes and LX_FORM_MAX_DEPTH nested parentheses).
 *
 * Returns LX_OK and stores in *out a new form owned by the caller (free it
 * with lx_form_free); it does not keep questions, which stays the
 * caller's. LX_INVALID with err filled (when err is not NULL) for a bad
 * definition, LX_ERR when out of memory; *out is untouched on failure.
 */
int lx_form_parse(const json_t *questions, lx_form **out, lx_form_error *err);

/* Frees a form from lx_form_parse. NULL is a no-op. */
void lx_form_free(lx_form *f);

/* The number of questions (1..LX_FORM_MAX_QUESTIONS). */
size_t lx_form_count(const lx_form *f);
/* Question i's name, label and type name ("yes_no", ...), i < count;
 * borrowed from the form. */
const char *lx_form_question_name(const lx_form *f, size_t i);
const char *lx_form_question_label(const lx_form *f, size_t i);
const char *lx_form_question_type(const lx_form *f, size_t i);

/*
 * The distinct category codes the form's hazard rules name, in the order
 * they first appear, for the caller to check that they exist. Returns
 * their number and stores in *codes an array borrowed from the form (NULL
 * when there are none).
 */
size_t lx_form_hazard_categories(const lx_form *f, const char *const **codes);

/* A hazard an answer revealed: a rule of hazard_if that matched. */
typedef struct lx_form_hazard {
	const char *question;       /* the question's name; borrowed from the form */
	const char *question_label; /* borrowed from the form */
	const char *category;       /* borrowed from the form */
	const char *label;          /* the rule's label, NULL when it has none; borrowed */
	int days;                   /* working days to rectify, 1..LX_FORM_MAX_DAYS */
	const json_t *answer;       /* the answer that matched; borrowed from kept */
} lx_form_hazard;

/* A photo an answer names, for the caller to check the attachment exists. */
typedef struct lx_form_photo {
	const char *question;       /* borrowed from the form */
	int64_t attachment_id;      /* > 0 */
} lx_form_photo;

/* What lx_form_check found. Borrowed pointers point into the form and
 * into kept: the result must not outlive the form it was checked with. */
typedef struct lx_form_result {
	json_t *kept;               /* new object, owned: the kept answers, in question order */
	lx_form_hazard *hazards;    /* owned array, in question then rule order */
	size_t nhazards;
	lx_form_photo *photos;      /* owned array, in question order */
	size_t nphotos;
} lx_form_result;

/*
 * Checks one visit's answers, a JSON object (question name -> answer; NULL
 * counts as an empty object), against f. Questions are walked in order:
 *   - a question whose relevant is false is skipped and its answer, if
 *     any, dropped unchecked; relevant sees only the answers kept so far,
 *     so a dropped answer reads as null further on (irrelevance cascades);
 *   - a null answer, and a text answer that is empty or only ASCII white
 *     space, count as no answer (and are not kept);
 *   - a required (and relevant) question without an answer is an error;
 *   - an answer of the wrong type is an error: yes_no true/false, choice
 *     one of the values, number a JSON number in [min, max], text a string
 *     of at most LX_FORM_MAX_TEXT bytes without NUL, photo a positive
 *     integer, geopoint [lat, lon] with lat in [-90, 90], lon in
 *     [-180, 180];
 *   - the constraint is checked on an answer only, and must hold;
 *   - the answer is kept (a copy), then each hazard_if rule is tried on it.
 * An answer key that names no question is an error too.
 *
 * Returns LX_OK and fills *res (caller clears it with
 * lx_form_result_clear); LX_INVALID with err filled (field
 * "answers.<name>" or "answers") for the first error found, LX_ERR when
 * out of memory. On failure *res is left empty (zeroed), so clearing it is
 * harmless. answers is borrowed and not changed.
 */
int lx_form_check(const lx_form *f, const json_t *answers, lx_form_result *res, lx_form_error *err);

/* Frees what a result owns and zeroes it. NULL is a no-op. */
void lx_form_result_clear(lx_form_result *res);

/*
 * The ready definitions the server seeds at init: new JSON arrays owned by
 * the caller (json_decref), NULL only when out of memory. Both pass
 * lx_form_parse. Their hazard rules name the categories 0605 (入户燃气安全隐患)
 * (the gas form) and 0707 (独居老人照护需求) (the knock form).
 */
#define LX_FORM_BUILTIN_GAS_NAME "冬季燃气安全入户检查"
json_t *lx_form_builtin_gas(void);
#define LX_FORM_BUILTIN_KNOCK_NAME "天天敲门 独居老人探访"
json_t *lx_form_builtin_knock(void);

#endif

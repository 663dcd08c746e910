/*
 * scrub.h - the one scrubber of personal numbers in free text, for every
 * output a role without the right to see personal data gets (Open311, case
 * lists, a leader's case detail, exports): citizen ID numbers, mobile
 * numbers and landlines that residents and staff write into titles,
 * descriptions, replies, notes and addresses.
 *
 * What is masked (digits become '*', full-width digits '＊', so the text
 * keeps its length in bytes and every separator stays where it was):
 *
 * - GB 11643-1999 citizen ID numbers: 17 digits and a check digit (0-9, X
 *   or x), or the old 15-digit form, glued to other text or split into at
 *   most six groups by spaces or hyphens, whose province code and birth
 *   date are plausible (the check digit is not required: a number written
 *   with a typo is still someone's). The 6-digit area code stays, the rest
 *   is masked: 140303************.
 * - Mainland mobiles 1[3-9]x xxxx xxxx, glued or split into up to three
 *   groups of at least three digits (139-1234-5678, 139 1234 5678,
 *   139.1234.5678), with or without +86 / 86 / 0086 in front (+8613912345678
 *   glued, too): the four digits after the carrier prefix are masked, as the
 *   reporter's phone is (lx_mask_phone: 139****5678).
 * - Landlines with their area code (010 and 02x have three digits, 0[3-9]xx
 *   four): 0353-2345678, (0353)2345678, （0353）2345678, 0353 2345678,
 *   010-12345678, 03532345678, +86 10 12345678; the subscriber number has 7
 *   or 8 digits (the 8 may be split 4-4). The area code stays and the first
 *   four digits of the subscriber number are masked: 0353-****678.
 *
 * Separators between the groups of one number are runs of at most three of
 * space, ideographic space, no-break space, '-', '.', '+', '(', ')', '－',
 * '．', '（', '）', '–', '—'. A number is a maximal run of digits, so
 * ordinary numbers stay: a case number (14 digits or more, starting 20), a
 * date, an amount, coordinates, a postcode, a time, a 12-digit number.
 *
 * Pure: no I/O, no allocation besides the malloc'd copies said below. Input
 * is bytes: invalid UTF-8 is never read past its end and comes out as it went
 * in; only whole digit characters are ever replaced, so a multibyte
 * character is never cut.
 */
#ifndef LX_SCRUB_H
#define LX_SCRUB_H

#include "lx.h"

#include <stdbool.h>
#include <stddef.h>

/* Masks every personal number in s[0..len) in place (the length in bytes
 * does not change). Returns the number of numbers masked. */
size_t lx_scrub_pii_inplace(char *s, size_t len);

/* Returns a malloc'd copy of the NUL-terminated s with every personal number
 * masked (see lx_scrub_pii_inplace); NULL stays NULL. The caller frees it. */
char *lx_scrub_pii(const char *s);

/* Masks personal numbers inside the string literals of the JSON text
 * json[0..len), in place: keys, numbers and escape sequences are left alone,
 * so the text stays the same valid JSON, of the same length. Returns the
 * number of numbers masked. */
size_t lx_scrub_json_inplace(char *json, size_t len);

/* Returns a malloc'd copy of s without the characters XML 1.0 cannot carry
 * (C0 controls other than tab, line feed and carriage return; U+FFFE and
 * U+FFFF), with every byte that is not valid UTF-8 (including encoded
 * surrogates) replaced by U+FFFD; NULL stays NULL. The caller frees it. */
char *lx_scrub_xml_chars(const char *s);

#endif

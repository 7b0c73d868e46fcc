/* dwctl_import_text — a CSV export's bytes as UTF-8 text, whatever the
 * bureau's system wrote: UTF-8, or GB18030 (which contains GBK and GB2312,
 * what Chinese Windows and the older finance systems still write).
 *
 * "auto" reads the file once first: if every byte of it is valid UTF-8 it is
 * UTF-8, otherwise GB18030. That is safe in one direction only, and it is the
 * one that matters: Chinese text in GBK is almost never valid UTF-8 by
 * accident, while a UTF-8 file is never mistaken for GBK. The conversion is
 * iconv(3) from glibc; a byte sequence that is not valid in the encoding
 * stops the read with its offset, since guessing would put wrong names and
 * codes into the record. */
#ifndef DWCTL_IMPORT_TEXT_H
#define DWCTL_IMPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum dwctl_enc { DWCTL_ENC_AUTO = 0, DWCTL_ENC_UTF8, DWCTL_ENC_GB18030 } dwctl_enc_t;

/* "utf-8"/"utf8", "gbk"/"gb18030"/"gb2312", "auto" (any case). false if none. */
bool dwctl_enc_parse(const char *name, dwctl_enc_t *out);
const char *dwctl_enc_name(dwctl_enc_t enc); /* "utf-8", "gb18030", "auto" */

/* How many leading bytes of s[0..n) are whole, valid UTF-8 characters (no
 * overlong forms, no surrogates, nothing above U+10FFFF). A character cut
 * off by the end of s is not counted: the caller decides whether more follows. */
size_t dwctl_utf8_prefix(const char *s, size_t n);

typedef struct dwctl_text dwctl_text_t;

/* Opens path in enc (auto: decided by reading it whole first). NULL after
 * writing why. */
dwctl_text_t *dwctl_text_open(const char *path, dwctl_enc_t enc, char *why, size_t why_len);
void dwctl_text_destroy(dwctl_text_t **self_p);

/* A dwctl_csv_read_fn: fills buf with up to n bytes of UTF-8 (n >= 4). */
ssize_t dwctl_text_read(void *self, char *buf, size_t n);
/* The encoding in use (never auto once open). */
dwctl_enc_t dwctl_text_enc(const dwctl_text_t *self);
/* Bytes of the file read so far, and its size: how far the import has got. */
uint64_t dwctl_text_done(const dwctl_text_t *self);
uint64_t dwctl_text_size(const dwctl_text_t *self);
/* Why the last read failed ("" if it did not). */
const char *dwctl_text_error(const dwctl_text_t *self);

#endif

#include "dwctl_import_text.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define CHUNK 65536

struct dwctl_text {
    FILE *f;
    dwctl_enc_t enc;
    iconv_t cd;
    char raw[CHUNK];
    size_t pos, len; /* raw[pos..len) read from the file, not yet converted */
    bool eof;
    uint64_t base; /* file offset of raw[0] */
    uint64_t size;
    char error[160];
};

bool dwctl_enc_parse(const char *name, dwctl_enc_t *out)
{
    static const struct {
        const char *name;
        dwctl_enc_t enc;
    } names[] = {
        {"auto", DWCTL_ENC_AUTO},     {"utf-8", DWCTL_ENC_UTF8},      {"utf8", DWCTL_ENC_UTF8},
        {"gbk", DWCTL_ENC_GB18030},   {"gb18030", DWCTL_ENC_GB18030}, {"gb2312", DWCTL_ENC_GB18030},
        {"cp936", DWCTL_ENC_GB18030},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].enc;
            return true;
        }
    return false;
}

const char *dwctl_enc_name(dwctl_enc_t enc)
{
    switch (enc) {
    case DWCTL_ENC_UTF8: return "utf-8";
    case DWCTL_ENC_GB18030: return "gb18030";
    default: return "auto";
    }
}

/* The length of the UTF-8 character that starts with byte c, 0 if c cannot start one. */
static size_t seq_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return 2;
    if (c >= 0xe0 && c <= 0xef)
        return 3;
    if (c >= 0xf0 && c <= 0xf4)
        return 4;
    return 0;
}

/* Whether the second byte b fits the lead byte c (no overlongs, no surrogates, nothing above U+10FFFF). */
static bool second_ok(unsigned char c, unsigned char b)
{
    if ((b & 0xc0) != 0x80)
        return false;
    if (c == 0xe0)
        return b >= 0xa0;
    if (c == 0xed)
        return b <= 0x9f;
    if (c == 0xf0)
        return b >= 0x90;
    if (c == 0xf4)
        return b <= 0x8f;
    return true;
}

size_t dwctl_utf8_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k = seq_len(u[i]);
        if (k == 0)
            return i;
        size_t have = n - i < k ? n - i : k;
        for (size_t j = 1; j < have; j++)
            if (j == 1 ? !second_ok(u[i], u[i + 1]) : (u[i + j] & 0xc0) != 0x80)
                return i;
        if (have < k) /* cut off by the end: invalid only if nothing follows */
            return i;
        i += k;
    }
    return i;
}

/* Reads more of the file behind what is left; false at the end or on failure. */
static bool refill(dwctl_text_t *self)
{
    if (self->eof)
        return false;
    if (self->pos > 0) {
        memmove(self->raw, self->raw + self->pos, self->len - self->pos);
        self->base += self->pos;
        self->len -= self->pos;
        self->pos = 0;
    }
    size_t n = fread(self->raw + self->len, 1, sizeof self->raw - self->len, self->f);
    self->len += n;
    if (n == 0) {
        if (ferror(self->f)) {
            snprintf(self->error, sizeof self->error, "could not read: %s", strerror(errno));
            return false;
        }
        self->eof = true;
        return false;
    }
    return true;
}

/* Whether the whole file is valid UTF-8; -1 if it could not be read. */
static int sniff_utf8(dwctl_text_t *self)
{
    int valid = 1;
    for (;;) {
        size_t avail = self->len - self->pos;
        if (avail < 4 && !self->eof) {
            if (!refill(self) && self->error[0])
                return -1;
            continue;
        }
        if (avail == 0)
            break;
        size_t v = dwctl_utf8_prefix(self->raw + self->pos, avail);
        if (v == 0) {
            valid = 0;
            break;
        }
        self->pos += v;
    }
    rewind(self->f);
    self->pos = self->len = 0;
    self->base = 0;
    self->eof = false;
    return valid;
}

dwctl_text_t *dwctl_text_open(const char *path, dwctl_enc_t enc, char *why, size_t why_len)
{
    dwctl_text_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    self->cd = (iconv_t)-1;
    self->f = fopen(path, "rb");
    struct stat st;
    if (!self->f || fstat(fileno(self->f), &st) != 0) {
        snprintf(why, why_len, "could not open %s: %s", path, strerror(errno));
        goto fail;
    }
    self->size = (uint64_t)st.st_size;
    if (enc == DWCTL_ENC_AUTO) {
        int utf8 = sniff_utf8(self);
        if (utf8 < 0) {
            snprintf(why, why_len, "%s: %s", path, self->error);
            goto fail;
        }
        enc = utf8 ? DWCTL_ENC_UTF8 : DWCTL_ENC_GB18030;
    }
    self->enc = enc;
    if (enc == DWCTL_ENC_GB18030 && (self->cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1) {
        snprintf(why, why_len, "this system's iconv cannot convert GB18030 to UTF-8: %s", strerror(errno));
        goto fail;
    }
    return self;
fail:
    dwctl_text_destroy(&self);
    return NULL;
}

void dwctl_text_destroy(dwctl_text_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dwctl_text_t *self = *self_p;
    if (self->cd != (iconv_t)-1)
        iconv_close(self->cd);
    if (self->f)
        fclose(self->f);
    free(self);
    *self_p = NULL;
}

static ssize_t bad_byte(dwctl_text_t *self, const char *what)
{
    uint64_t at = self->base + self->pos;
    snprintf(self->error, sizeof self->error, "byte %llu (0x%02x) %s", (unsigned long long)at,
             (unsigned char)self->raw[self->pos], what);
    return -1;
}

static ssize_t read_utf8(dwctl_text_t *self, char *buf, size_t n)
{
    for (;;) {
        size_t avail = self->len - self->pos;
        if (avail < 4 && !self->eof) {
            if (!refill(self) && self->error[0])
                return -1;
            continue;
        }
        if (avail == 0)
            return 0;
        size_t k = avail < n ? avail : n;
        size_t v = dwctl_utf8_prefix(self->raw + self->pos, k);
        if (v == 0)
            return bad_byte(self, self->eof && avail < 4 ? "starts a character the file cuts off"
                                                         : "is not valid UTF-8 (is the file GBK? try --encoding gbk)");
        memcpy(buf, self->raw + self->pos, v);
        self->pos += v;
        return (ssize_t)v;
    }
}

static ssize_t read_gb(dwctl_text_t *self, char *buf, size_t n)
{
    for (;;) {
        size_t avail = self->len - self->pos;
        if (avail < 4 && !self->eof) {
            if (!refill(self) && self->error[0])
                return -1;
            continue;
        }
        if (avail == 0)
            return 0;
        char *in = self->raw + self->pos, *out = buf;
        size_t in_left = avail, out_left = n;
        size_t rc = iconv(self->cd, &in, &in_left, &out, &out_left);
        int e = errno;
        self->pos += avail - in_left;
        size_t made = n - out_left;
        if (rc != (size_t)-1 || made > 0)
            return (ssize_t)made; /* an error, if any, comes back at the next call */
        if (e == EINVAL && !self->eof) {
            if (!refill(self) && self->error[0])
                return -1;
            continue;
        }
        if (e == EINVAL)
            return bad_byte(self, "starts a character the file cuts off");
        return bad_byte(self, "is not valid GB18030/GBK (is the file UTF-8? try --encoding utf-8)");
    }
}

ssize_t dwctl_text_read(void *arg, char *buf, size_t n)
{
    dwctl_text_t *self = arg;
    return self->enc == DWCTL_ENC_GB18030 ? read_gb(self, buf, n) : read_utf8(self, buf, n);
}

dwctl_enc_t dwctl_text_enc(const dwctl_text_t *self)
{
    return self->enc;
}

uint64_t dwctl_text_done(const dwctl_text_t *self)
{
    return self->base + self->pos;
}

uint64_t dwctl_text_size(const dwctl_text_t *self)
{
    return self->size;
}

const char *dwctl_text_error(const dwctl_text_t *self)
{
    return self->error;
}

/* dwctl_gbk — the GBK twin of a UTF-8 test file, made at test time with
 * iconv(3), so that the repository holds one copy of the sample and the twin
 * can never drift from it. The UTF-8 byte order mark is left out: a GBK
 * export has none. */
#ifndef DWCTL_GBK_H
#define DWCTL_GBK_H

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes src (UTF-8) to dst in GBK. 0, or -1 after printing why. */
static inline int dwctl_gbk_twin(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    char *text = malloc(1 << 20), *gbk = malloc(1 << 21);
    iconv_t cd = iconv_open("GBK", "UTF-8");
    int rc = -1;
    if (!in || !out || !text || !gbk || cd == (iconv_t)-1) {
        fprintf(stderr, "dwctl_gbk_twin: could not open %s, %s or iconv\n", src, dst);
        goto done;
    }
    size_t n = fread(text, 1, (1 << 20) - 1, in);
    char *p = text, *q = gbk;
    size_t left = n, room = 1 << 21;
    if (left >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3;
        left -= 3;
    }
    if (iconv(cd, &p, &left, &q, &room) == (size_t)-1) {
        fprintf(stderr, "dwctl_gbk_twin: %s has a character GBK does not have, at byte %zu\n", src, (size_t)(p - text));
        goto done;
    }
    if (fwrite(gbk, 1, (size_t)(q - gbk), out) != (size_t)(q - gbk))
        goto done;
    rc = 0;
done:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    free(text);
    free(gbk);
    return rc;
}

#endif

#include "dwctl_args.h"

#include <errno.h>
#include <stdlib.h>

int dwctl_parse_long(const char *option, const char *text, long min, long max, long *out, FILE *err)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
        fprintf(err, "dwctl: %s: \"%s\" is not a whole number from %ld to %ld\n", option, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int dwctl_parse_hex(const char *text, dw_buf_t *out)
{
    for (const char *p = text; *p;) {
        if (*p == ' ' || *p == '\n' || *p == '\t') {
            p++;
            continue;
        }
        int hi = hex_digit(p[0]);
        int lo = hi < 0 ? -1 : hex_digit(p[1]);
        if (lo < 0)
            return -1;
        unsigned char byte = (unsigned char)(hi << 4 | lo);
        if (dw_buf_append(out, &byte, 1) != 0)
            return -1;
        p += 2;
    }
    return 0;
}

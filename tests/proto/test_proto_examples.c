/* proto.examples, second half: every committed reference encoding in
 * proto/examples/ decodes, and encodes back to the very same bytes.
 *
 * The first half (scripts/examples.cmake) regenerates the files and compares
 * them with the committed ones; this half checks that what is committed is
 * something the codec reads, so an integrator can trust the bytes in SPEC.md.
 *
 *   test_proto_examples EXAMPLES_DIR */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_buf.h"
#include "dw_error.h"
#include "dw_msg.h"
#include "dw_schema.h"
#include "dw_test.h"

#define HEX_PER_LINE 64
#define MAX_FILE     (8u << 20)

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Strict reading of the committed format: lower-case hex, 64 characters per
 * line, a shorter last line, every line ending in \n. */
static int read_hex(const char *path, dw_buf_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    dw_buf_t text = DW_BUF_INIT;
    char chunk[4096];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len < MAX_FILE)
        if (dw_buf_append(&text, chunk, n) != 0)
            rc = -1;
    fclose(f);
    size_t col = 0, line = 1;
    bool short_line_seen = false;
    for (size_t i = 0; rc == 0 && i < text.len; i++) {
        char c = text.data[i];
        if (c == '\n') {
            if (col == 0 || col % 2 || short_line_seen) {
                fprintf(stderr, "%s:%zu: a line of %zu hex characters (64 per line, a shorter one only last)\n", path,
                        line, col);
                rc = -1;
            }
            short_line_seen = col < HEX_PER_LINE;
            col = 0;
            line++;
            continue;
        }
        if (hexval(c) < 0 || col == HEX_PER_LINE) {
            fprintf(stderr, "%s:%zu: not lower-case hex, or a line longer than 64\n", path, line);
            rc = -1;
            break;
        }
        col++;
    }
    if (rc == 0 && (text.len == 0 || col != 0)) {
        fprintf(stderr, "%s: empty, or the last line has no newline\n", path);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i + 1 < text.len; i++) {
        if (text.data[i] == '\n')
            continue;
        unsigned char byte = (unsigned char)(hexval(text.data[i]) << 4 | hexval(text.data[i + 1]));
        if (dw_buf_append(out, &byte, 1) != 0)
            rc = -1;
        i++;
    }
    dw_buf_free(&text);
    return rc;
}

static void check_one(const char *dir, const dw_type_def_t *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.hex", dir, t->type);
    dw_buf_t bytes = DW_BUF_INIT, again = DW_BUF_INIT;
    CHECK(read_hex(path, &bytes) == 0);
    if (bytes.len == 0) {
        dw_buf_free(&bytes);
        return;
    }
    dw_error_t err;
    dw_error_clear(&err);
    dw_msg_t *m = t->direction == DW_DIR_REPLY ? dw_msg_decode_bare(t->type, bytes.data, bytes.len, NULL, &err)
                                               : dw_msg_decode(bytes.data, bytes.len, NULL, &err);
    if (!m) {
        fprintf(stderr, "%s: does not decode: %s: %s (field %s)\n", path, dw_code_name(err.code), err.message,
                err.field[0] ? err.field : "-");
        CHECK(m != NULL);
        dw_buf_free(&bytes);
        return;
    }
    CHECK_STR(dw_msg_type(m), t->type);
    dw_error_clear(&err);
    dw_code_t rc = dw_msg_encode(m, &again, &err);
    if (rc != DW_OK)
        fprintf(stderr, "%s: re-encoding fails: %s: %s (field %s)\n", path, dw_code_name(err.code), err.message,
                err.field[0] ? err.field : "-");
    CHECK_INT(rc, DW_OK);
    CHECK_INT(again.len, bytes.len);
    if (again.len == bytes.len && memcmp(again.data, bytes.data, bytes.len) != 0) {
        size_t i = 0;
        while (again.data[i] == bytes.data[i])
            i++;
        fprintf(stderr, "%s: re-encoding differs at byte %zu\n", path, i);
        CHECK(!"encode(decode(bytes)) == bytes");
    }
    dw_msg_destroy(&m);
    dw_buf_free(&bytes);
    dw_buf_free(&again);
}

/* Every .hex names a type of the contract, and only in/out/reply types have one. */
static void check_no_strays(const char *dir)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".hex") != 0)
            continue;
        char type[256];
        snprintf(type, sizeof type, "%.*s", (int)(n - 4), e->d_name);
        const dw_type_def_t *t = dw_schema_type(type);
        if (!t || t->direction == DW_DIR_INTERNAL) {
            fprintf(stderr, "%s/%s: not an in, out or reply type of the schema\n", dir, e->d_name);
            CHECK(!"no stray example files");
        }
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_proto_examples EXAMPLES_DIR\n");
        return 2;
    }
    size_t n = 0;
    for (size_t i = 0; i < dw_schema_n_types; i++) {
        if (dw_schema_types[i].direction == DW_DIR_INTERNAL)
            continue;
        check_one(argv[1], &dw_schema_types[i]);
        n++;
    }
    CHECK(n > 0);
    check_no_strays(argv[1]);
    DW_TEST_DONE();
}

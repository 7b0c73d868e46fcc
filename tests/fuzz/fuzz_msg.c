/* fuzz_msg — the message decoders under a fuzzer, and their corpus as a
 * regression test.
 *
 * Every input goes through dw_msg_decode (an envelope) and dw_msg_decode_bare
 * for each reply type. Whatever the bytes, a decoder either refuses them with
 * a code, a message and a field path that can travel in an ack (valid UTF-8,
 * within bounds), or accepts them; an accepted message must encode, decode
 * again, and encode to the same bytes. Any other outcome aborts, so libFuzzer
 * (or the sanitizers, or CTest) reports it.
 *
 * Built with -DDW_LIBFUZZER and -fsanitize=fuzzer, libFuzzer drives it.
 * Otherwise main() replays every file named on the command line, or every
 * file in a directory named there: `fuzz_msg tests/fuzz/corpus`. A corpus
 * file named valid-* must be accepted by one decoder, and one named bomb-*
 * refused by all; other names (libFuzzer's, crash-*) need only not fail. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dw_msg.h"
#include "dw_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int accepted; /* decoders that accepted the last input */

static void die(const char *what, const char *type, const dw_error_t *err)
{
    fprintf(stderr, "fuzz_msg: %s (%s): %s at \"%s\": %s\n", what, type, err ? dw_code_name(err->code) : "-",
            err ? err->field : "", err ? err->message : "");
    abort();
}

/* A refusal must be coded and fit an ack's error map. */
static void check_refusal(const char *type, const dw_error_t *err)
{
    size_t nf = strnlen(err->field, sizeof err->field), nm = strnlen(err->message, sizeof err->message);
    if (err->code == DW_OK || err->code >= DW_CODE_COUNT)
        die("refused without a code", type, err);
    if (err->code == DW_E_INTERNAL)
        die("internal error: the pre-scan and msgpack-c disagree, or memory ran out", type, err);
    if (nf >= sizeof err->field || nm >= sizeof err->message || nm == 0)
        die("error text unterminated or empty", type, err);
    if (!dw_utf8_valid(err->field, nf) || !dw_utf8_valid(err->message, nm))
        die("error text is not valid utf-8", type, err);
}

/* encode(m) decodes, and encodes again to the same bytes. */
static void check_round_trip(const char *type, const dw_msg_t *m, bool bare)
{
    dw_error_t err;
    dw_buf_t a = DW_BUF_INIT, b = DW_BUF_INIT;
    if (dw_msg_encode(m, &a, &err) != DW_OK)
        die("an accepted message does not encode", type, &err);
    dw_msg_t *again =
        bare ? dw_msg_decode_bare(type, a.data, a.len, NULL, &err) : dw_msg_decode(a.data, a.len, NULL, &err);
    if (!again)
        die("our own encoding does not decode", type, &err);
    if (strcmp(dw_msg_type(again), dw_msg_type(m)) != 0)
        die("the type changed on the way round", type, NULL);
    if (dw_msg_encode(again, &b, &err) != DW_OK)
        die("a decoded encoding does not encode", type, &err);
    if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
        die("encoding is not stable: encode(decode(encode(m))) != encode(m)", type, NULL);
    dw_msg_destroy(&again);
    dw_buf_free(&a);
    dw_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dw_error_t err, scan_err;
    dw_code_t scanned = dw_scan(data, size, NULL, &scan_err);

    accepted = 0;
    dw_msg_t *m = dw_msg_decode(data, size, NULL, &err);
    if (m) {
        accepted++;
        if (scanned != DW_OK)
            die("decoded what the pre-scan refused", "envelope", &scan_err);
        check_round_trip(dw_msg_type(m), m, false);
        dw_msg_destroy(&m);
    } else {
        check_refusal("envelope", &err);
        /* a frame breach is the pre-scan's, with its code */
        if (scanned != DW_OK && err.code != scanned)
            die("decoder and pre-scan disagree on the code", "envelope", &err);
    }

    for (size_t i = 0; i < dw_schema_n_types; i++) {
        const dw_type_def_t *td = &dw_schema_types[i];
        if (td->direction != DW_DIR_REPLY)
            continue;
        m = dw_msg_decode_bare(td->type, data, size, NULL, &err);
        if (m) {
            accepted++;
            check_round_trip(td->type, m, true);
            dw_msg_destroy(&m);
        } else
            check_refusal(td->type, &err);
    }
    return 0;
}

#ifndef DW_LIBFUZZER

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_msg: cannot open %s\n", path);
        return -1;
    }
    dw_buf_t b = DW_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (dw_buf_append(&b, chunk, n) != 0) {
            fclose(f);
            dw_buf_free(&b);
            return -1;
        }
    fclose(f);
    /* a copy of exactly the file's size, so ASan sees a read past its end */
    uint8_t *exact = malloc(b.len ? b.len : 1);
    if (!exact) {
        dw_buf_free(&b);
        return -1;
    }
    if (b.len)
        memcpy(exact, b.data, b.len);
    LLVMFuzzerTestOneInput(exact, b.len);
    free(exact);
    dw_buf_free(&b);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (strncmp(base, "valid-", 6) == 0 && accepted == 0) {
        fprintf(stderr, "fuzz_msg: %s: no decoder accepted it\n", path);
        return -1;
    }
    if (strncmp(base, "bomb-", 5) == 0 && accepted > 0) {
        fprintf(stderr, "fuzz_msg: %s: a decoder accepted it\n", path);
        return -1;
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir, in name order; the count replayed, or -1. */
static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz_msg: cannot open directory %s\n", dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(path) != 0)
                count = -1;
            else if (count >= 0)
                count++;
        }
        free(names[i]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz_msg <corpus directory or file>...\n");
        return 2;
    }
    int total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzz_msg: cannot read %s\n", argv[i]);
            return 1;
        }
        int n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]) == 0 ? 1 : -1;
        if (n < 0)
            return 1;
        total += n;
    }
    fprintf(stderr, "fuzz_msg: %d inputs replayed, no failure\n", total);
    /* an empty corpus means a wrong path, not a pass */
    return total > 0 ? 0 : 1;
}

#endif

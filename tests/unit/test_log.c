/* Log lines: level filtering, the exact line format, one line per event, and
 * safe truncation. stderr is pointed at a temp file while the logger runs;
 * checks run after it is restored, so their own output is not captured. */
#include "dw_log.h"
#include "dw_test.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int saved_stderr = -1;
static int capture_fd = -1;

static void capture_begin(void)
{
    char path[] = "/tmp/dw_test_log.XXXXXX";
    capture_fd = mkstemp(path);
    if (capture_fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    unlink(path);
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    dup2(capture_fd, STDERR_FILENO);
}

/* Restores stderr; returns what was written (static buffer, NUL-terminated). */
static const char *capture_end(size_t *len)
{
    static char out[65536];
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    size_t n = 0;
    if (lseek(capture_fd, 0, SEEK_SET) == 0) {
        ssize_t r;
        while (n < sizeof out - 1 && (r = read(capture_fd, out + n, sizeof out - 1 - n)) > 0)
            n += (size_t)r;
    }
    close(capture_fd);
    out[n] = '\0';
    if (len)
        *len = n;
    return out;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* "YYYY-MM-DDTHH:MM:SS.mmm+08:00" for a unix time in ms, by libc's gmtime_r on
 * the shifted time: an independent way to the same answer. */
static void shanghai_stamp(int64_t ms, char out[96])
{
    time_t s = (time_t)(ms / 1000) + 8 * 3600;
    struct tm tm;
    gmtime_r(&s, &tm);
    snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len = s[i] < 0x80             ? 1
                     : (s[i] & 0xe0) == 0xc0 ? 2
                     : (s[i] & 0xf0) == 0xe0 ? 3
                     : (s[i] & 0xf8) == 0xf0 ? 4
                                             : 0;
        if (len == 0 || i + len > n)
            return false;
        for (size_t j = 1; j < len; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

static void test_level_parse(void)
{
    CHECK_INT(dw_log_level_parse("debug"), DW_LOG_DEBUG);
    CHECK_INT(dw_log_level_parse("info"), DW_LOG_INFO);
    CHECK_INT(dw_log_level_parse("warn"), DW_LOG_WARN);
    CHECK_INT(dw_log_level_parse("error"), DW_LOG_ERROR);
    CHECK_INT(dw_log_level_parse("warning"), -1);
    CHECK_INT(dw_log_level_parse("INFO"), -1);
    CHECK_INT(dw_log_level_parse(""), -1);
    CHECK_INT(dw_log_level_parse(NULL), -1);
    CHECK_STR(dw_log_level_name(DW_LOG_WARN), "warn");
    CHECK_STR(dw_log_level_name((dw_log_level_t)9), "unknown");
}

static int side_effects;
static int bump(void)
{
    return ++side_effects;
}

static void test_filter_and_format(void)
{
    char pid[32];
    snprintf(pid, sizeof pid, "[%ld]", (long)getpid());

    dw_log_open("dw-test", DW_LOG_WARN);
    CHECK(!dw_log_enabled(DW_LOG_DEBUG));
    CHECK(!dw_log_enabled(DW_LOG_INFO));
    CHECK(dw_log_enabled(DW_LOG_WARN));
    CHECK(dw_log_enabled(DW_LOG_ERROR));

    int64_t before = wall_ms();
    capture_begin();
    dw_log_debug("voucher=GK0", "not shown %d", bump());
    dw_log_info(NULL, "not shown either %d", bump());
    dw_log_warn("voucher=GK1", "payment over budget: %d fen", 5);
    dw_log_error(NULL, "could not connect to PostgreSQL at \"%s\"", "host=/tmp");
    size_t len;
    const char *out = capture_end(&len);
    int64_t after = wall_ms();

    CHECK_INT(side_effects, 0); /* nothing below the level is even evaluated */
    CHECK_INT(count_lines(out), 2);

    /* line 1: stamp (29 chars), space, service[pid], level padded to 5, key, message */
    char want[256];
    snprintf(want, sizeof want, " dw-test%s WARN  [voucher=GK1] payment over budget: 5 fen\n", pid);
    const char *nl = strchr(out, '\n');
    CHECK(nl != NULL);
    if (!nl)
        return;
    CHECK_INT((long long)(nl + 1 - out), 29 + (long long)strlen(want));
    CHECK(strncmp(out + 29, want, strlen(want)) == 0);

    char stamp[96], lo[96], hi[96];
    memcpy(stamp, out, 29);
    stamp[29] = '\0';
    shanghai_stamp(before, lo);
    shanghai_stamp(after, hi);
    /* the fixed format sorts as text, so the stamp lies between the two */
    CHECK(strcmp(lo, stamp) <= 0);
    CHECK(strcmp(stamp, hi) <= 0);
    CHECK(strncmp(stamp + 23, "+08:00", 6) == 0);
    CHECK(stamp[10] == 'T' && stamp[19] == '.');

    /* line 2: no key, so no brackets after the level */
    snprintf(want, sizeof want, " dw-test%s ERROR could not connect to PostgreSQL at \"host=/tmp\"\n", pid);
    CHECK(strlen(nl + 1) == 29 + strlen(want));
    CHECK(strncmp(nl + 1 + 29, want, strlen(want)) == 0);

    /* a higher level hides warn */
    dw_log_open("dw-test", DW_LOG_ERROR);
    capture_begin();
    dw_log_warn(NULL, "hidden");
    dw_log_write(DW_LOG_WARN, NULL, "hidden too"); /* the function filters as well as the macro */
    out = capture_end(&len);
    CHECK_INT(len, 0);

    /* debug shows everything */
    dw_log_open("dw-test", DW_LOG_DEBUG);
    capture_begin();
    dw_log_debug(NULL, "d");
    dw_log_info(NULL, "i");
    dw_log_warn(NULL, "w");
    dw_log_error(NULL, "e");
    out = capture_end(&len);
    CHECK_INT(count_lines(out), 4);
    CHECK(strstr(out, " DEBUG d\n") != NULL);
    CHECK(strstr(out, " INFO  i\n") != NULL);
    CHECK(strstr(out, " WARN  w\n") != NULL);
    CHECK(strstr(out, " ERROR e\n") != NULL);
}

static void test_one_line_per_event(void)
{
    dw_log_open("dw-test", DW_LOG_INFO);
    capture_begin();
    dw_log_info("voucher=GK\n2", "first\nsecond\tthird\r\n");
    errno = ENOENT;
    dw_log_info(NULL, "open failed: %m");
    int e = errno;
    size_t len;
    const char *out = capture_end(&len);
    CHECK_INT(count_lines(out), 2);
    CHECK(strstr(out, " INFO  [voucher=GK 2] first second\tthird\n") != NULL);
    CHECK(strstr(out, " INFO  open failed: No such file or directory\n") != NULL);
    CHECK_INT(e, ENOENT); /* errno survives a log call */
}

static void test_truncation(void)
{
    dw_log_open("dw-test", DW_LOG_INFO);
    static char big[20000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';

    capture_begin();
    dw_log_info("voucher=GK1", "%s", big);
    size_t len;
    const char *out = capture_end(&len);
    CHECK_INT(len, DW_LOG_LINE_MAX); /* the whole line, newline included, in one atomic write */
    CHECK_INT(count_lines(out), 1);
    CHECK(len >= 5 && memcmp(out + len - 5, "x...\n", 5) == 0);
    CHECK(strstr(out, " INFO  [voucher=GK1] xxxx") != NULL);
    CHECK(out[len - 1] == '\n');

    /* 股 is three bytes: the cut never leaves half a character before "..." */
    static char wide[3 * 3000 + 1];
    for (int i = 0; i < 3000; i++)
        memcpy(wide + 3 * i, "\xe8\x82\xa1", 3);
    wide[sizeof wide - 1] = '\0';
    for (int shift = 0; shift < 3; shift++) {
        /* keys of three lengths put the cut at each position within a character */
        const char *keys[] = {"k=1", "k=12", "k=123"};
        capture_begin();
        dw_log_info(keys[shift], "%s", wide);
        out = capture_end(&len);
        CHECK(len <= DW_LOG_LINE_MAX && len > DW_LOG_LINE_MAX - 8);
        CHECK(len >= 4 && memcmp(out + len - 4, "...\n", 4) == 0);
        CHECK(valid_utf8((const unsigned char *)out, len));
        CHECK(len >= 7 && memcmp(out + len - 7, "\xe8\x82\xa1...", 6) == 0);
    }

    /* a key longer than the line: still one line, still marked */
    capture_begin();
    dw_log_info(big, "message");
    out = capture_end(&len);
    CHECK_INT(len, DW_LOG_LINE_MAX);
    CHECK_INT(count_lines(out), 1);
    CHECK(len >= 4 && memcmp(out + len - 4, "...\n", 4) == 0);

    /* exactly at the limit nothing is cut: stamp 29 + " dw-test[pid] INFO  " + message + "\n" */
    char pid[32];
    int pidlen = snprintf(pid, sizeof pid, "[%ld]", (long)getpid());
    size_t head = 29 + 1 + strlen("dw-test") + (size_t)pidlen + 1 + 6;
    size_t fit = DW_LOG_LINE_MAX - 1 - head;
    big[fit] = '\0';
    capture_begin();
    dw_log_info(NULL, "%s", big);
    out = capture_end(&len);
    CHECK_INT(len, DW_LOG_LINE_MAX);
    CHECK(len >= 4 && memcmp(out + len - 4, "xxx\n", 4) == 0);
    big[fit] = 'x';
}

int main(void)
{
    test_level_parse();
    test_filter_and_format();
    test_one_line_per_event();
    test_truncation();
    DW_TEST_DONE();
}

#include "dwctl_import_state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int dwctl_state_stat(const char *path, uint64_t *size, int64_t *mtime_ns, char *why, size_t why_len)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, why_len, "could not stat %s: %s", path, strerror(errno));
        return -1;
    }
    *size = (uint64_t)st.st_size;
    *mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    return 0;
}

int dwctl_state_read(const char *path, dwctl_state_t *st, char *why, size_t why_len)
{
    memset(st, 0, sizeof *st);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(why, why_len, "could not read the state %s: %s", path, strerror(errno));
        return -1;
    }
    char line[256];
    int seen = 0, n = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        long long v;
        char text[64];
        if (sscanf(line, "row %lld", &v) == 1 && v >= 0) {
            st->row = v;
            seen |= 1;
        } else if (sscanf(line, "size %lld", &v) == 1 && v >= 0) {
            st->size = (uint64_t)v;
            seen |= 2;
        } else if (sscanf(line, "mtime_ns %lld", &v) == 1) {
            st->mtime_ns = v;
            seen |= 4;
        } else if (sscanf(line, "type %63s", text) == 1) {
            snprintf(st->type, sizeof st->type, "%s", text);
            seen |= 8;
        } else {
            fclose(f);
            snprintf(why, why_len, "%s:%d: not a line of a dwctl import state: \"%s\"", path, n, line);
            return -1;
        }
    }
    fclose(f);
    if (seen != 15) {
        snprintf(why, why_len, "%s: not a dwctl import state (row, size, mtime_ns and type are needed)", path);
        return -1;
    }
    return 1;
}

/* Flushes the directory that holds path, so that a rename in it is durable. */
static int sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int dwctl_state_write(const char *path, const dwctl_state_t *st, char *why, size_t why_len)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        goto fail;
    int ok = fprintf(f,
                     "# dwctl import: every row up to \"row\" is settled; a rerun starts after it\n"
                     "row %" PRId64 "\nsize %" PRIu64 "\nmtime_ns %" PRId64 "\ntype %s\n",
                     st->row, st->size, st->mtime_ns, st->type) > 0 &&
             fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0 || !ok)
        goto fail;
    if (rename(tmp, path) != 0 || sync_dir(path) != 0)
        goto fail;
    return 0;
fail:
    snprintf(why, why_len, "could not write the state %s: %s", path, strerror(errno));
    unlink(tmp);
    return -1;
}

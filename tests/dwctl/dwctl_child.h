/* dwctl_child — runs the dwctl under test as a child process with its output
 * in files, for the dwctl.* tests (which talk to it over real sockets). */
#ifndef DWCTL_CHILD_H
#define DWCTL_CHILD_H

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct dwctl_child {
    pid_t pid;
    char out_path[256];
    char err_path[256];
} dwctl_child_t;

/* Starts argv (argv[0] the dwctl binary) with stdout and stderr in files of dir. */
static inline int dwctl_child_start(dwctl_child_t *c, const char *dir, char *const argv[])
{
    snprintf(c->out_path, sizeof c->out_path, "%s/stdout", dir);
    snprintf(c->err_path, sizeof c->err_path, "%s/stderr", dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, c->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, c->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int rc = posix_spawn(&c->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        c->pid = 0; /* never a pid that kill() would read as "the whole group" */
    return rc == 0 ? 0 : -1;
}

/* Whether the child has exited (its exit code in *code, 128 + signal if killed). */
static inline int dwctl_child_done(dwctl_child_t *c, int *code)
{
    int status;
    if (waitpid(c->pid, &status, WNOHANG) != c->pid)
        return 0;
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return 1;
}

/* Waits up to ms for the child; kills it after that. Returns its exit code. */
static inline int dwctl_child_wait(dwctl_child_t *c, int ms)
{
    int code;
    if (c->pid <= 1)
        return -1;
    for (int waited = 0; waited < ms; waited += 10) {
        if (dwctl_child_done(c, &code))
            return code;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(c->pid, SIGKILL);
    int status;
    waitpid(c->pid, &status, 0);
    fprintf(stderr, "dwctl did not exit within %d ms: killed\n", ms);
    return -1;
}

/* The whole of a file, NUL-terminated (caller frees); "" if unreadable. */
static inline char *dwctl_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    while (f) {
        if (len + 1024 > cap && !(buf = realloc(buf, cap *= 2)))
            abort();
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        if (n == 0)
            break;
        len += n;
    }
    if (f)
        fclose(f);
    buf[len] = '\0';
    return buf;
}

/* Whether text has a line exactly equal to line. */
static inline int dwctl_has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
            return 1;
    return 0;
}

#endif

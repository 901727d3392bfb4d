/* The system calls an exact `pristine check` cannot avoid on the benchmark tree, and nothing
 * else (issue #4's floor, BENCHMARKS.md): `stat` of every file the context sends (sizes for the
 * size rules and the summary), or `open` + `read` of the first 64 bytes + `close` of every
 * candidate the content rules must look into (`.so`/`.json`: is it a native binary, a
 * service-account key?). Paths are read from LIST (one per line, relative to DIR, as
 * `pristine context --list` prints them) before the clock matters, and the work is split over
 * THREADS threads. Paths are resolved relative to a descriptor of DIR: opening each file's
 * directory and naming only the last component (what the walk does) measured no cheaper here:
 * the dentry cache makes the extra components cheap and the directory opens cost as much.
 * Used by scripts/bench under hyperfine; prints nothing.
 *
 * usage: io-floor stat|head THREADS DIR LIST
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char **paths;
static size_t npaths;
static int mode_head;
static int nthreads;
static int dirfd_root;

static void *work(void *arg) {
    long t = (long)arg;
    char buf[64];
    struct stat st;
    for (size_t i = (size_t)t; i < npaths; i += (size_t)nthreads) {
        if (!mode_head) {
            (void)fstatat(dirfd_root, paths[i], &st, AT_SYMLINK_NOFOLLOW);
        } else {
            int fd = openat(dirfd_root, paths[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
            if (fd >= 0) {
                (void)!read(fd, buf, sizeof buf);
                close(fd);
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[1], "stat") != 0 && strcmp(argv[1], "head") != 0)) {
        fprintf(stderr, "usage: io-floor stat|head THREADS DIR LIST\n");
        return 2;
    }
    mode_head = strcmp(argv[1], "head") == 0;
    nthreads = atoi(argv[2]);
    if (nthreads < 1 || nthreads > 64) {
        fprintf(stderr, "io-floor: THREADS must be 1..64\n");
        return 2;
    }
    dirfd_root = open(argv[3], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FILE *list = fopen(argv[4], "r");
    if (dirfd_root < 0 || !list) {
        perror("io-floor");
        return 2;
    }
    size_t cap = 1024;
    paths = malloc(cap * sizeof *paths);
    char *line = NULL;
    size_t len = 0;
    ssize_t n;
    while (paths && (n = getline(&line, &len, list)) > 0) {
        if (line[n - 1] == '\n') line[n - 1] = '\0';
        if (npaths == cap) {
            cap *= 2;
            paths = realloc(paths, cap * sizeof *paths);
            if (!paths) break;
        }
        paths[npaths++] = strdup(line);
    }
    if (!paths) {
        fprintf(stderr, "io-floor: out of memory\n");
        return 2;
    }
    pthread_t threads[64];
    for (long i = 0; i < nthreads; i++) pthread_create(&threads[i], NULL, work, (void *)i);
    for (int i = 0; i < nthreads; i++) pthread_join(threads[i], NULL);
    return 0;
}

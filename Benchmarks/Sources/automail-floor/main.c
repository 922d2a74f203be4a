// automail-floor: the pipeline floor as a program of its own (BENCHMARKS.md, "The floor"). Reads every
// `.yaml`/`.yml` file under a folder into memory, then times libyaml's bare event loop and the pipeline
// floor over those bytes, alternating, and prints the medians of CPU time.
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline_floor.h"

static floor_file *files;
static size_t file_count, file_capacity, total_bytes;

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int read_file(const char *path, const struct stat *info, int kind, struct FTW *ftw) {
    (void)info; (void)ftw;
    if (kind != FTW_F || !(ends_with(path, ".yaml") || ends_with(path, ".yml"))) return 0;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    fseek(f, 0, SEEK_END);
    long length = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *bytes = length > 0 ? malloc((size_t)length) : NULL;
    if (length > 0 && (!bytes || fread(bytes, 1, (size_t)length, f) != (size_t)length)) {
        free(bytes);
        fclose(f);
        return 0;
    }
    fclose(f);
    if (file_count == file_capacity) {
        file_capacity = file_capacity ? file_capacity * 2 : 1024;
        floor_file *grown = realloc(files, file_capacity * sizeof *files);
        if (!grown) return 1;
        files = grown;
    }
    files[file_count++] = (floor_file){ bytes, length > 0 ? (size_t)length : 0 };
    total_bytes += length > 0 ? (size_t)length : 0;
    return 0;
}

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int runs = 5;
    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--runs") == 0 && (runs = atoi(argv[3])) > 0 && runs <= 100)) {
        fprintf(stderr, "usage: automail-floor WORKSPACE [--runs N]\n");
        return 2;
    }
    if (nftw(argv[1], read_file, 32, FTW_PHYS) != 0 || file_count == 0) {
        fprintf(stderr, "automail-floor: no YAML file read under `%s`\n", argv[1]);
        return 2;
    }
    double *bare = calloc((size_t)runs, sizeof(double)), *floor = calloc((size_t)runs, sizeof(double));
    if (!bare || !floor) return 2;
    floor_result b = {0}, p = {0};
    for (int i = 0; i < runs; i++) {
        double start = cpu_seconds();
        b = floor_bare_loop(files, file_count);
        bare[i] = cpu_seconds() - start;
        start = cpu_seconds();
        p = floor_pipeline(files, file_count);
        floor[i] = cpu_seconds() - start;
    }
    qsort(bare, (size_t)runs, sizeof(double), compare);
    qsort(floor, (size_t)runs, sizeof(double), compare);
    printf("workspace  %s: %zu files, %.1f MB\n", argv[1], file_count, (double)total_bytes / 1e6);
    printf("bare loop  %8.1f ms CPU  (%ld events)\n", bare[runs / 2] * 1000, b.events);
    printf("floor      %8.1f ms CPU  (%ld bodies: %.1f MB HTML, %.1f MB text, %.1f MB JSON)\n",
           floor[runs / 2] * 1000, p.bodies, (double)p.html_bytes / 1e6, (double)p.text_bytes / 1e6,
           (double)p.json_bytes / 1e6);
    return b.error || p.error ? 1 : 0;
}

/* The test program's one assertion, shared by its files: a failed check is
 * printed with its place and counted in `failures`. */
#ifndef FEENNEX_TEST_CHECK_H
#define FEENNEX_TEST_CHECK_H

#include <stdio.h>

extern int failures;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

/* The rules every binding shares (shared_rules.c). */
void shared_rules(void);

#endif

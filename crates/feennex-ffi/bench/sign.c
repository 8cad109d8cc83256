/* Signatures per second: the C ABI (feennex_signer_sign, feennex_sign) beside
 * OpenSSL's SHA-256 doing the same work in C (sort the names, join the values
 * with ':', append the key, SHA-256, hex). Rounds alternate; the median round
 * is reported. Not part of the test suite: build and run it by hand,
 *
 *   cargo build --release -p feennex-ffi
 *   gcc -O2 -Wno-deprecated-declarations -I crates/feennex-ffi/include crates/feennex-ffi/bench/sign.c \
 *       -L target/release -lfeennex_ffi -lcrypto -o /tmp/sign_bench
 *   LD_LIBRARY_PATH=target/release /tmp/sign_bench
 */
#define _POSIX_C_SOURCE 200809L
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feennex.h"

#define FIELDS 7
static const char *names[FIELDS] = {"amount", "amount_type", "payee_account", "payee_currency",
                                    "shop_currency", "shop_id", "shop_payment_id"};
static const char *values[FIELDS] = {"10.5", "receive_amount", "201234567890", "840", "840", "6", "order-42"};
static const char *secret = "SecretKey01";
static char packed[512];
static size_t packed_len;
static FeennexSigner *signer;
static char signature[FEENNEX_SIGNATURE_LEN + 1];

static int by_name(const void *a, const void *b) {
    return strcmp(names[*(const int *)a], names[*(const int *)b]);
}

/* The same work in C: sort, join, append the key, SHA-256, hex. */
static void c_sign(void) {
    int order[FIELDS];
    for (int i = 0; i < FIELDS; i++) order[i] = i;
    qsort(order, FIELDS, sizeof order[0], by_name);
    char text[512];
    size_t length = 0;
    for (int i = 0; i < FIELDS; i++) {
        if (i) text[length++] = ':';
        size_t n = strlen(values[order[i]]);
        memcpy(text + length, values[order[i]], n);
        length += n;
    }
    size_t n = strlen(secret);
    memcpy(text + length, secret, n);
    length += n;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)text, length, digest);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        signature[2 * i] = hex[digest[i] >> 4];
        signature[2 * i + 1] = hex[digest[i] & 15];
    }
    signature[64] = 0;
}

static void abi_signer(void) {
    feennex_signer_sign(signer, packed, packed_len, FIELDS, signature, NULL);
}

static void abi_sign(void) {
    feennex_sign_packed(packed, packed_len, FIELDS, secret, signature, NULL);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int by_rate(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void) {
    for (int i = 0; i < FIELDS; i++) {
        packed_len += (size_t)sprintf(packed + packed_len, "%s", names[i]) + 1;
        packed_len += (size_t)sprintf(packed + packed_len, "%s", values[i]) + 1;
    }
    if (feennex_signer_new(secret, &signer, NULL) != FEENNEX_STATUS_OK) return 1;
    char expected[FEENNEX_SIGNATURE_LEN + 1];
    c_sign();
    memcpy(expected, signature, sizeof expected);
    abi_signer();
    if (strcmp(expected, signature) != 0) return 1;
    struct { const char *name; void (*work)(void); double rates[15]; } contenders[] = {
        {"feennex_signer_sign (C ABI, key kept)", abi_signer, {0}},
        {"feennex_sign_packed (C ABI)", abi_sign, {0}},
        {"OpenSSL SHA-256, the same work in C", c_sign, {0}},
    };
    const int rounds = 15, per_round = 200000;
    for (int round = 0; round <= rounds; round++) {
        for (int c = 0; c < 3; c++) {
            double start = now();
            for (int i = 0; i < per_round; i++) contenders[c].work();
            if (round > 0) contenders[c].rates[round - 1] = per_round / (now() - start);
        }
    }
    printf("%d rounds of %d calls each, median:\n", rounds, per_round);
    for (int c = 0; c < 3; c++) {
        qsort(contenders[c].rates, rounds, sizeof(double), by_rate);
        printf("  %-40s %10.0f /s\n", contenders[c].name, contenders[c].rates[rounds / 2]);
    }
    feennex_signer_free(signer);
    return 0;
}

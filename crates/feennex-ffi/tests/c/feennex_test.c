/* The C ABI from C: published vectors, requests, answers, callbacks, argument
 * checks, and payouts made exactly once by the core's machine driven over plain
 * sockets against the sandbox whose base URL is argv[1]. Run under valgrind by
 * .ci/ffi; every string and handle the library returns is freed here. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "feennex.h"
#include "check.h"

int failures = 0;

/* ---- a little JSON reading: enough for the steps this library writes ---- */

/* The text of string field `key` (unescaped), or NULL; the caller frees it. */
static char *json_string(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = strstr(json, pattern);
    if (!start) return NULL;
    start += strlen(pattern);
    char *text = malloc(strlen(start) + 1);
    char *to = text;
    for (const char *from = start; *from && *from != '"'; from++) {
        if (*from != '\\') { *to++ = *from; continue; }
        from++;
        switch (*from) {
        case 'n': *to++ = '\n'; break;
        case 't': *to++ = '\t'; break;
        case 'r': *to++ = '\r'; break;
        case 'b': *to++ = '\b'; break;
        case 'f': *to++ = '\f'; break;
        case 'u': {
            unsigned code = 0;
            sscanf(from + 1, "%4x", &code);
            from += 4;
            if (code < 0x80) { *to++ = (char)code; }
            else if (code < 0x800) { *to++ = (char)(0xC0 | (code >> 6)); *to++ = (char)(0x80 | (code & 0x3F)); }
            else { *to++ = (char)(0xE0 | (code >> 12)); *to++ = (char)(0x80 | ((code >> 6) & 0x3F)); *to++ = (char)(0x80 | (code & 0x3F)); }
            break;
        }
        default: *to++ = *from; break; /* \" \\ \/ */
        }
    }
    *to = '\0';
    return text;
}

/* The number in field `key`, or -1. */
static long long json_number(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *start = strstr(json, pattern);
    if (!start) return -1;
    return strtoll(start + strlen(pattern), NULL, 10);
}

static int count_of(const char *haystack, const char *needle) {
    int count = 0;
    for (const char *at = strstr(haystack, needle); at; at = strstr(at + 1, needle)) count++;
    return count;
}

/* ---- a little HTTP/1.1 over a loopback socket ---- */

static char host[64];
static int port;

static void parse_base_url(const char *url) {
    if (sscanf(url, "http://%63[^:]:%d", host, &port) != 2) {
        fprintf(stderr, "expected http://IP:PORT, got %s\n", url);
        exit(2);
    }
}

typedef struct {
    int status;      /* 0 when no answer came */
    int sent;        /* whether the request could have reached the server */
    char *body;      /* owned; NULL when no answer came */
    size_t body_len;
} HttpResult;

/* Reads what `fd` has next onto the end of `*buffer` (`*length` bytes of `*capacity`
 * used), growing it so that room for a terminating NUL always stays; what read gave. */
static ssize_t read_more(int fd, char **buffer, size_t *capacity, size_t *length) {
    if (*capacity - *length < 2048) *buffer = realloc(*buffer, *capacity *= 2);
    ssize_t got = read(fd, *buffer + *length, *capacity - *length - 1);
    if (got > 0) *length += (size_t)got;
    return got;
}

/* Sends one request with `Connection: close` and reads the answer to the end. */
static HttpResult http_send(const char *method, const char *path, const char *body, long timeout_ms) {
    HttpResult result = {0, 0, NULL, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &address.sin_addr);
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        close(fd);
        return result; /* never sent */
    }
    result.sent = 1;
    size_t body_len = body ? strlen(body) : 0;
    char head[512];
    int head_len = snprintf(head, sizeof head,
                            "%s %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                            method, path, host, port, body_len);
    if (write(fd, head, (size_t)head_len) != head_len ||
        (body_len && write(fd, body, body_len) != (ssize_t)body_len)) {
        close(fd);
        return result;
    }
    size_t capacity = 4096, length = 0;
    char *buffer = malloc(capacity);
    while (read_more(fd, &buffer, &capacity, &length) > 0) {
    }
    close(fd);
    buffer[length] = '\0';
    char *split = strstr(buffer, "\r\n\r\n");
    if (strncmp(buffer, "HTTP/1.", 7) != 0 || !split) { /* reset, timeout or garbage */
        free(buffer);
        return result;
    }
    result.status = atoi(buffer + 9);
    result.body_len = length - (size_t)(split + 4 - buffer);
    result.body = malloc(result.body_len + 1);
    memcpy(result.body, split + 4, result.body_len);
    result.body[result.body_len] = '\0';
    free(buffer);
    return result;
}

/* Runs a machine to its end; returns the last step's JSON (caller frees). */
static char *drive(FeennexMachine *machine) {
    for (;;) {
        char *step = NULL, *error = NULL;
        FeennexStatus status = feennex_machine_poll(machine, &step, &error);
        if (status != FEENNEX_STATUS_OK) {
            fprintf(stderr, "poll: %s\n", error);
            feennex_string_free(error);
            return NULL;
        }
        char *kind = json_string(step, "step");
        if (strcmp(kind, "send") == 0) {
            char *url = json_string(step, "url");
            char *body = json_string(step, "body");
            const char *path = strchr(url + strlen("http://"), '/');
            HttpResult answer = http_send("POST", path, body, json_number(step, "timeout_ms"));
            if (answer.status) {
                status = feennex_machine_receive_response(machine, (uint16_t)answer.status,
                                                          (const uint8_t *)answer.body, answer.body_len, NULL);
            } else {
                status = feennex_machine_receive_failure(machine, answer.sent, "connection failed", NULL);
            }
            CHECK(status == FEENNEX_STATUS_OK, "receive: %d", status);
            free(answer.body);
            free(url);
            free(body);
        } else if (strcmp(kind, "wait") == 0) {
            long long ms = json_number(step, "ms");
            struct timespec pause = {ms / 1000, (ms % 1000) * 1000000};
            nanosleep(&pause, NULL);
        } else {
            free(kind);
            return step;
        }
        free(kind);
        feennex_string_free(step);
    }
}

/* ---- the tests ---- */

static void published_vectors(void) {
    const char *names[] = {"shop_order_id", "amount", "currency", "payway", "shop_id"};
    const char *values[] = {"4126", "12.34", "643", "payeer_rub", "5"};
    char *sign = NULL, *text = NULL;
    CHECK(feennex_sign(names, values, 5, "SecretKey01", &sign, NULL) == FEENNEX_STATUS_OK, "sign");
    CHECK(sign && strcmp(sign, "9cf003e3ad9da90ff00b06349b677261d5539f7e0540fb976c45537a141222c1") == 0, "%s", sign);
    CHECK(feennex_string_to_sign(names, values, 5, &text, NULL) == FEENNEX_STATUS_OK, "string_to_sign");
    CHECK(text && strcmp(text, "12.34:643:payeer_rub:5:4126") == 0, "%s", text);
    feennex_string_free(sign);
    feennex_string_free(text);

    const char *names2[] = {"amount", "currency", "payway", "shop_id", "shop_order_id"};
    const char *values2[] = {"6320.91", "840", "card_invoice_usd", "1520", "5b0efa8a-153b-4421-abac-2aba4d772a86"};
    CHECK(feennex_sign(names2, values2, 5, "account-secret-key", &sign, NULL) == FEENNEX_STATUS_OK, "sign");
    CHECK(sign && strcmp(sign, "77a6f7a30876d480d4e771d08cb83800dd5cb874664c77e515ffc052b20293c6") == 0, "%s", sign);
    feennex_string_free(sign);

    char *amount = NULL, *error = NULL;
    CHECK(feennex_amount_text("10.50", &amount, NULL) == FEENNEX_STATUS_OK && strcmp(amount, "10.5") == 0, "%s", amount);
    feennex_string_free(amount);
    CHECK(feennex_amount_text("1e5", &amount, &error) == FEENNEX_STATUS_INVALID_ARGUMENT, "1e5 accepted");
    CHECK(amount == NULL, "out set on failure");
    CHECK(error && strstr(error, "\"field\":\"amount\""), "%s", error);
    feennex_string_free(error);
}

static void bad_arguments(void) {
    char *out = NULL, *error = NULL;
    const char *names[] = {"a", NULL};
    const char *values[] = {"1", "2"};
    const char not_utf8[] = {'1', (char)0xff, 0};
    CHECK(feennex_sign(names, values, 1, NULL, &out, &error) == FEENNEX_STATUS_INVALID_ARGUMENT, "NULL secret");
    CHECK(error && strstr(error, "\"field\":\"secret\""), "%s", error);
    feennex_string_free(error);
    CHECK(feennex_sign(names, values, 2, "s", &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "NULL name");
    CHECK(feennex_sign(NULL, values, 2, "s", &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "NULL array");
    CHECK(feennex_sign(names, values, 1, "", &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "empty secret");
    CHECK(feennex_sign(names, values, 1, "s", NULL, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "NULL out");
    CHECK(feennex_amount_text(not_utf8, &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "not UTF-8");
    CHECK(feennex_parse("shop_balance", 200, NULL, 5, &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "NULL body");
    CHECK(feennex_build(NULL, "shop_balance", "{}", &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "NULL merchant");
    CHECK(feennex_machine_poll(NULL, &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "NULL machine");
    CHECK(out == NULL, "out written on failure");

    FeennexMerchant *merchant = NULL;
    CHECK(feennex_merchant_new(0, "s", NULL, 0, &merchant, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "shop 0");
    CHECK(feennex_merchant_new(6, "s", "http://example.com", 0, &merchant, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT,
          "plain HTTP to another machine");
    CHECK(feennex_merchant_new(6, "s", "nonsense", 0, &merchant, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "bad URL");
    CHECK(merchant == NULL, "merchant made");
    feennex_merchant_free(NULL);
    feennex_machine_free(NULL);
    feennex_string_free(NULL);
}

static void requests_and_answers(void) {
    FeennexMerchant *merchant = NULL;
    char *out = NULL, *error = NULL;
    CHECK(feennex_merchant_new(6, "SecretKey01", "http://127.0.0.1:9/api/", 0, &merchant, NULL) == FEENNEX_STATUS_OK,
          "merchant");
    CHECK(feennex_build(merchant,
                        "transfer/try",
                        "{\"amount\":\"1.110\",\"amount_type\":\"receive_amount\",\"payee_currency\":978,\"shop_currency\":840}",
                        &out, NULL) == FEENNEX_STATUS_OK, "build");
    char *body = out ? json_string(out, "body") : NULL;
    CHECK(body && strcmp(body,
                         "{\"amount\":1.11,\"amount_type\":\"receive_amount\",\"payee_currency\":978,\"shop_currency\":840,"
                         "\"shop_id\":6,\"sign\":\"2563081a499c8f751184978922dfdcbaeee8b90e42db7d3258af179e598b9fb0\"}") == 0,
          "%s", body);
    CHECK(out && strstr(out, "\"url\":\"http://127.0.0.1:9/api/transfer/try\""), "%s", out);
    free(body);
    feennex_string_free(out);

    CHECK(feennex_build(merchant, "transfer/try", "{\"amount\":1.5}", &out, &error) == FEENNEX_STATUS_INVALID_ARGUMENT,
          "a float amount");
    CHECK(error && strstr(error, "\"field\":\"amount\""), "%s", error);
    feennex_string_free(error);
    CHECK(feennex_build(merchant, "no/such", "{}", &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "operation");
    CHECK(feennex_build(merchant, "shop_balance", "{not json", &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "JSON");
    feennex_merchant_free(merchant);

    const char *found = "{\"data\":{\"id\":9,\"shop_payment_id\":\"p-1\",\"receive_amount\":5,\"payee_currency\":840,"
                        "\"shop_currency\":840,\"write_off_amount\":5.35},\"error_code\":0,\"message\":\"Ok\",\"result\":true}";
    CHECK(feennex_parse("transfer/shop_payment_status", 200, (const uint8_t *)found, strlen(found), &out, NULL) ==
              FEENNEX_STATUS_OK, "parse");
    CHECK(out && strstr(out, "\"write_off_amount\":\"5.35\"") && json_number(out, "id") == 9, "%s", out);
    feennex_string_free(out);

    const char *refused = "{\"data\":null,\"error_code\":9,\"message\":\"Insufficient balance\",\"result\":false}";
    CHECK(feennex_parse("transfer/create", 400, (const uint8_t *)refused, strlen(refused), &out, &error) ==
              FEENNEX_STATUS_FAILED, "error envelope");
    CHECK(error && json_number(error, "code") == 9 && strstr(error, "\"code_name\":\"InsufficientBalance\""), "%s", error);
    feennex_string_free(error);
    const char *garbage = "<html>502</html>";
    CHECK(feennex_parse("transfer/create", 502, (const uint8_t *)garbage, strlen(garbage), &out, &error) ==
              FEENNEX_STATUS_FAILED, "not an envelope");
    CHECK(error && strstr(error, "\"kind\":\"not_envelope\"") && strstr(error, "\"outcome_unknown\":true"), "%s", error);
    feennex_string_free(error);
}

static void callbacks(void) {
    const char *names[] = {"payment_id", "shop_amount", "shop_currency", "shop_id", "shop_order_id", "status"};
    const char *values[] = {"9001", "10.00", "840", "6", "o-1", "success"};
    char *sign = NULL, *out = NULL, *error = NULL;
    CHECK(feennex_sign(names, values, 6, "cb-secret", &sign, NULL) == FEENNEX_STATUS_OK, "sign");
    char body[512];
    int length = snprintf(body, sizeof body,
                          "payment_id=9001&shop_amount=10.00&shop_currency=840&shop_id=6&shop_order_id=o-1"
                          "&status=success&payway=&sign=%s",
                          sign);
    const char *allow[] = {"87.98.145.206", "51.68.53.104-51.68.53.107"};
    const char *form = "application/x-www-form-urlencoded";
    CHECK(feennex_verify_callback((const uint8_t *)body, (size_t)length, form, "51.68.53.105", allow, 2, false,
                                  "cb-secret", &out, NULL) == FEENNEX_STATUS_OK, "genuine callback");
    CHECK(out && strstr(out, "\"shop_order_id\":\"o-1\""), "%s", out);
    feennex_string_free(out);

    CHECK(feennex_verify_callback((const uint8_t *)body, (size_t)length, form, "10.0.0.1", allow, 2, false,
                                  "cb-secret", &out, &error) == FEENNEX_STATUS_FAILED, "unknown sender");
    CHECK(error && strstr(error, "callback_rejected") && strstr(error, "allow list"), "%s", error);
    feennex_string_free(error);
    CHECK(feennex_verify_callback((const uint8_t *)body, (size_t)length, form, "10.0.0.1", NULL, 0, true,
                                  "other-shop", &out, &error) == FEENNEX_STATUS_FAILED, "another key");
    CHECK(error && strstr(error, "bad signature"), "%s", error);
    feennex_string_free(error);
    body[13] = '9'; /* shop_amount=10.00 becomes 90.00 */
    CHECK(feennex_verify_callback((const uint8_t *)body, (size_t)length, form, "87.98.145.206", allow, 2, false,
                                  "cb-secret", &out, &error) == FEENNEX_STATUS_FAILED, "altered amount");
    CHECK(error && strstr(error, "bad signature"), "%s", error);
    feennex_string_free(error);
    CHECK(feennex_verify_callback((const uint8_t *)body, (size_t)length, form, "87.98.145.206", NULL, 0, false,
                                  "cb-secret", &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "no sender policy");
    feennex_string_free(sign);
}

/* A callback with the `phone` field a qiwi_rub invoice carries, which the API does
 * not document: refused by default, accepted when allowed by name or permissive. */
static void callback_fields(void) {
    const char *names[] = {"payment_id", "phone", "shop_amount", "shop_currency", "shop_id", "shop_order_id", "status"};
    const char *values[] = {"9001", "+79001234567", "150.00", "643", "6", "o-2", "success"};
    char *sign = NULL, *out = NULL, *error = NULL;
    CHECK(feennex_sign(names, values, 7, "cb-secret", &sign, NULL) == FEENNEX_STATUS_OK, "sign");
    char text[512];
    int length = snprintf(text, sizeof text,
                          "payment_id=9001&phone=%%2B79001234567&shop_amount=150.00&shop_currency=643&shop_id=6"
                          "&shop_order_id=o-2&status=success&sign=%s",
                          sign);
    feennex_string_free(sign);
    const uint8_t *body = (const uint8_t *)text;
    const char *allow[] = {"87.98.145.206"};
    const char *form = "application/x-www-form-urlencoded";
    const char *ip = "87.98.145.206";

    CHECK(feennex_verify_callback(body, (size_t)length, form, ip, allow, 1, false, "cb-secret", &out, &error) ==
              FEENNEX_STATUS_FAILED, "strict by default");
    CHECK(error && strstr(error, "callback_rejected") && strstr(error, "unexpected field \\\"phone\\\""), "%s", error);
    feennex_string_free(error);
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, NULL, 0, false, "cb-secret",
                                         &out, &error) == FEENNEX_STATUS_FAILED, "strict with no names");
    CHECK(error && strstr(error, "unexpected field"), "%s", error);
    feennex_string_free(error);

    const char *phone[] = {"phone"};
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, phone, 1, false, "cb-secret",
                                         &out, NULL) == FEENNEX_STATUS_OK, "phone allowed");
    CHECK(out && strstr(out, "\"phone\":\"+79001234567\"") && strstr(out, "\"shop_order_id\":\"o-2\""), "%s", out);
    feennex_string_free(out);
    const char *email[] = {"email"};
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, email, 1, false, "cb-secret",
                                         &out, &error) == FEENNEX_STATUS_FAILED, "another name allowed");
    CHECK(error && strstr(error, "phone"), "%s", error);
    feennex_string_free(error);
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, NULL, 0, true, "cb-secret",
                                         &out, NULL) == FEENNEX_STATUS_OK, "permissive");
    CHECK(out && strstr(out, "\"phone\":\"+79001234567\""), "%s", out);
    feennex_string_free(out);
    /* Permissive or widened, the signature still counts. */
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, NULL, 0, true, "other-shop",
                                         &out, &error) == FEENNEX_STATUS_FAILED, "permissive with another key");
    CHECK(error && strstr(error, "bad signature"), "%s", error);
    feennex_string_free(error);

    /* A rule that contradicts itself, or names nothing, is refused before any check. */
    out = (char *)1;
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, phone, 1, true, "cb-secret",
                                         &out, &error) == FEENNEX_STATUS_INVALID_ARGUMENT, "names and permissive");
    CHECK(out == NULL, "out written on failure");
    CHECK(error && strstr(error, "\"field\":\"permissive\"") && strstr(error, "not both"), "%s", error);
    feennex_string_free(error);
    const char *unnamed[] = {"phone", ""};
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, unnamed, 2, false, "cb-secret",
                                         &out, &error) == FEENNEX_STATUS_INVALID_ARGUMENT, "an empty name");
    CHECK(error && strstr(error, "\"field\":\"allow_fields\""), "%s", error);
    feennex_string_free(error);
    const char *missing[] = {"phone", NULL};
    const char not_utf8[] = {'p', (char)0xff, 0};
    const char *garbled[] = {not_utf8};
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, missing, 2, false, "cb-secret",
                                         &out, &error) == FEENNEX_STATUS_INVALID_ARGUMENT, "a NULL name");
    CHECK(error && strstr(error, "\"field\":\"allow_fields\""), "%s", error);
    feennex_string_free(error);
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, NULL, 3, false, "cb-secret",
                                         &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "a NULL array of names");
    CHECK(feennex_verify_callback_fields(body, (size_t)length, form, ip, allow, 1, false, garbled, 1, false, "cb-secret",
                                         &out, NULL) == FEENNEX_STATUS_INVALID_ARGUMENT, "a name not in UTF-8");
    CHECK(out == NULL, "out written on failure");
}

/* Reads one HTTP request from `fd` into a new string, its body at *body; NULL on failure. */
static char *read_request(int fd, const char **body) {
    size_t capacity = 8192, length = 0;
    char *buffer = malloc(capacity);
    while (read_more(fd, &buffer, &capacity, &length) > 0) {
        buffer[length] = '\0';
        char *split = strstr(buffer, "\r\n\r\n");
        if (!split) continue;
        size_t declared = 0;
        for (char *line = buffer; line < split; line = strstr(line, "\r\n") + 2) {
            if (strncasecmp(line, "content-length:", 15) == 0) declared = strtoul(line + 15, NULL, 10);
        }
        if (length - (size_t)(split + 4 - buffer) >= declared) {
            *body = split + 4;
            return buffer;
        }
    }
    free(buffer);
    return NULL;
}

/* The sandbox's own callback of a qiwi_rub invoice, received on a loopback socket:
 * it carries the payer's phone, so only a widened field set accepts it. */
static void sandbox_callback_with_phone(const char *base_url) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    socklen_t address_len = sizeof address;
    struct timeval tv = {10, 0};
    setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CHECK(bind(listener, (struct sockaddr *)&address, sizeof address) == 0 && listen(listener, 4) == 0 &&
              getsockname(listener, (struct sockaddr *)&address, &address_len) == 0,
          "listen: %s", strerror(errno));

    FeennexMerchant *merchant = NULL;
    FeennexMachine *machine = NULL;
    CHECK(feennex_merchant_new(6, "ffi-secret", base_url, 2000, &merchant, NULL) == FEENNEX_STATUS_OK, "merchant");
    char params[512];
    snprintf(params, sizeof params,
             "{\"amount\":\"150\",\"currency\":643,\"payway\":\"qiwi_rub\",\"shop_order_id\":\"c-cb-phone\","
             "\"add_ons\":{\"phone\":\"+79001234567\"},\"callback_url\":\"http://127.0.0.1:%d/callback\"}",
             ntohs(address.sin_port));
    CHECK(feennex_machine_new(merchant, "invoice/create", params, false, &machine, NULL) == FEENNEX_STATUS_OK,
          "invoice machine");
    char *end = machine ? drive(machine) : NULL;
    long long invoice = end ? json_number(end, "id") : -1;
    CHECK(end && strstr(end, "\"step\":\"done\"") && invoice > 0, "%s", end);
    feennex_string_free(end);
    feennex_machine_free(machine);
    feennex_merchant_free(merchant);

    char route[128];
    snprintf(route, sizeof route, "/_sandbox/payments/invoice/%lld/complete", invoice);
    HttpResult completed = http_send("POST", route, "{}", 5000);
    CHECK(completed.status == 200, "complete: %d", completed.status);
    free(completed.body);

    int fd = accept(listener, NULL, NULL);
    CHECK(fd >= 0, "no callback came: %s", strerror(errno));
    const char *body = NULL;
    char *request = fd >= 0 ? read_request(fd, &body) : NULL;
    CHECK(request != NULL, "the callback could not be read");
    if (fd >= 0) {
        const char *reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK";
        CHECK(write(fd, reply, strlen(reply)) == (ssize_t)strlen(reply), "reply");
        close(fd);
    }
    close(listener);
    if (!request) return;

    const uint8_t *bytes = (const uint8_t *)body;
    size_t length = strlen(body);
    const char *allow[] = {"127.0.0.1"};
    const char *form = "application/x-www-form-urlencoded";
    char *out = NULL, *error = NULL;
    CHECK(feennex_verify_callback(bytes, length, form, "127.0.0.1", allow, 1, false, "ffi-secret", &out, &error) ==
              FEENNEX_STATUS_FAILED, "strict refuses the phone");
    CHECK(error && strstr(error, "unexpected field") && strstr(error, "phone"), "%s", error);
    feennex_string_free(error);
    const char *phone[] = {"phone"};
    CHECK(feennex_verify_callback_fields(bytes, length, form, "127.0.0.1", allow, 1, false, phone, 1, false,
                                         "ffi-secret", &out, &error) == FEENNEX_STATUS_OK, "phone allowed: %s", error);
    feennex_string_free(error);
    CHECK(out && strstr(out, "\"phone\":\"+79001234567\"") && strstr(out, "\"shop_order_id\":\"c-cb-phone\"") &&
              strstr(out, "\"status\":\"success\""), "%s", out);
    feennex_string_free(out);
    CHECK(feennex_verify_callback_fields(bytes, length, form, "127.0.0.1", allow, 1, false, NULL, 0, true,
                                         "ffi-secret", &out, NULL) == FEENNEX_STATUS_OK, "permissive");
    CHECK(out && strstr(out, "\"phone\":\"+79001234567\""), "%s", out);
    feennex_string_free(out);
    free(request);
}

static void payouts_against_the_sandbox(const char *base_url) {
    parse_base_url(base_url);
    FeennexMerchant *merchant = NULL;
    CHECK(feennex_merchant_new(6, "ffi-secret", base_url, 400, &merchant, NULL) == FEENNEX_STATUS_OK, "merchant");

    /* A single call with its retries. */
    FeennexMachine *machine = NULL;
    CHECK(feennex_machine_new(merchant, "shop_balance", "{}", false, &machine, NULL) == FEENNEX_STATUS_OK, "machine");
    char *end = drive(machine);
    CHECK(end && strstr(end, "\"step\":\"done\"") && strstr(end, "\"currency\":840"), "%s", end);
    feennex_string_free(end);
    feennex_machine_free(machine);

    /* Payouts through lost, cut and garbled answers. */
    HttpResult set = http_send("POST", "/_sandbox/faults",
                               "{\"probabilities\":{\"drop-after\":0.15,\"http-502\":0.1,\"garbage\":0.1,\"truncate\":0.1},"
                               "\"seed\":77}", 5000);
    CHECK(set.status == 200, "faults not set: %d", set.status);
    free(set.body);
    enum { PAYOUTS = 12 };
    for (int i = 0; i < PAYOUTS; i++) {
        char params[512];
        snprintf(params, sizeof params,
                 "{\"amount\":\"%d.5\",\"amount_type\":\"writeoff_amount\",\"payee_account\":\"201234567890\","
                 "\"payee_currency\":840,\"shop_currency\":840,\"shop_payment_id\":\"c-pay-%d\"}", i + 1, i);
        CHECK(feennex_machine_new(merchant, "transfer/create", params, false, &machine, NULL) == FEENNEX_STATUS_OK,
              "payout machine");
        end = drive(machine);
        if (end && strstr(end, "payout_unresolved")) { /* settle it by its status, same id */
            feennex_string_free(end);
            feennex_machine_free(machine);
            HttpResult clear = http_send("POST", "/_sandbox/faults", "{\"probabilities\":{}}", 5000);
            free(clear.body);
            CHECK(feennex_machine_new(merchant, "transfer/create", params, true, &machine, NULL) == FEENNEX_STATUS_OK,
                  "resume");
            end = drive(machine);
        }
        char expected[64];
        snprintf(expected, sizeof expected, "\"write_off\":\"%d.5\"", i + 1);
        CHECK(end && strstr(end, "\"step\":\"done\"") && strstr(end, expected), "payout %d: %s", i, end);
        feennex_string_free(end);
        feennex_machine_free(machine);
    }
    HttpResult faults = http_send("GET", "/_sandbox/faults", NULL, 5000);
    CHECK(faults.body && strstr(faults.body, "\"injected\":{\""), "no fault was injected: %s", faults.body);
    free(faults.body);
    HttpResult clear = http_send("POST", "/_sandbox/faults", "{\"probabilities\":{}}", 5000);
    free(clear.body);

    HttpResult ledger = http_send("GET", "/_sandbox/transfers", NULL, 5000);
    CHECK(ledger.status == 200, "ledger: %d", ledger.status);
    for (int i = 0; ledger.body && i < PAYOUTS; i++) {
        char id[64];
        snprintf(id, sizeof id, "\"shop_payment_id\":\"c-pay-%d\"", i);
        CHECK(count_of(ledger.body, id) == 1, "%s is in the ledger %d times", id, count_of(ledger.body, id));
    }
    CHECK(ledger.body && count_of(ledger.body, "\"shop_payment_id\"") == PAYOUTS, "ledger: %s", ledger.body);
    free(ledger.body);

    /* The same id again: a payout this machine did not make is never success. */
    const char *again =
        "{\"amount\":\"1.5\",\"amount_type\":\"writeoff_amount\",\"payee_account\":\"201234567890\","
        "\"payee_currency\":840,\"shop_currency\":840,\"shop_payment_id\":\"c-pay-0\"}";
    const char *other =
        "{\"amount\":\"9\",\"amount_type\":\"writeoff_amount\",\"payee_account\":\"202222222222\","
        "\"payee_currency\":840,\"shop_currency\":840,\"shop_payment_id\":\"c-pay-0\"}";
    const struct { const char *params; bool resume; const char *expected; } reuses[] = {
        {again, false, "\"kind\":\"unverified\""},
        {other, true, "\"kind\":\"conflict\""},
        {again, true, "\"write_off\":\"1.5\""},
    };
    for (size_t i = 0; i < sizeof reuses / sizeof reuses[0]; i++) {
        CHECK(feennex_machine_new(merchant, "transfer/create", reuses[i].params, reuses[i].resume, &machine, NULL) ==
                  FEENNEX_STATUS_OK,
              "reuse machine");
        end = drive(machine);
        CHECK(end && strstr(end, reuses[i].expected), "reuse %zu: %s", i, end);
        feennex_string_free(end);
        feennex_machine_free(machine);
    }
    HttpResult after = http_send("GET", "/_sandbox/transfers", NULL, 5000);
    CHECK(after.body && count_of(after.body, "\"shop_payment_id\"") == PAYOUTS, "paid again: %s", after.body);
    free(after.body);

    /* Polled out of turn: the machine ends, the library does not crash. */
    CHECK(feennex_machine_new(merchant, "transfer/try",
                              "{\"amount\":\"1\",\"amount_type\":\"receive_amount\",\"payee_currency\":840,\"shop_currency\":840}",
                              false, &machine, NULL) == FEENNEX_STATUS_OK, "machine");
    char *step = NULL;
    CHECK(feennex_machine_poll(machine, &step, NULL) == FEENNEX_STATUS_OK && strstr(step, "\"step\":\"send\""), "%s", step);
    feennex_string_free(step);
    CHECK(feennex_machine_poll(machine, &step, NULL) == FEENNEX_STATUS_OK && strstr(step, "out_of_turn"), "%s", step);
    feennex_string_free(step);
    feennex_machine_free(machine);
    feennex_merchant_free(merchant);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SANDBOX_BASE_URL\n", argv[0]);
        return 2;
    }
    published_vectors();
    bad_arguments();
    requests_and_answers();
    callbacks();
    callback_fields();
    shared_rules();
    payouts_against_the_sandbox(argv[1]);
    sandbox_callback_with_phone(argv[1]);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("feennex C ABI: all checks passed\n");
    return 0;
}

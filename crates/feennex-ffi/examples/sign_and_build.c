/* Sign fields, then build a signed transfer/try request, with the C ABI.
 *   cargo build -p feennex-ffi
 *   gcc -I crates/feennex-ffi/include crates/feennex-ffi/examples/sign_and_build.c \
 *       -L target/debug -lfeennex_ffi -o sign_and_build
 *   LD_LIBRARY_PATH=target/debug ./sign_and_build */
#include <stdio.h>

#include "feennex.h"

int main(void) {
    const char *names[] = {"amount", "currency", "shop_id", "shop_order_id"};
    const char *values[] = {"10.00", "643", "5", "101"};
    char *sign = NULL, *error = NULL;
    if (feennex_sign(names, values, 4, "SecretKey01", &sign, &error) != FEENNEX_STATUS_OK) {
        fprintf(stderr, "%s\n", error);
        feennex_string_free(error);
        return 1;
    }
    printf("sign: %s\n", sign);
    feennex_string_free(sign); /* every returned string is freed by the library */

    FeennexMerchant *merchant = NULL;
    char *request = NULL;
    if (feennex_merchant_new(6, "SecretKey01", "http://127.0.0.1:8080", 0, &merchant, &error) != FEENNEX_STATUS_OK ||
        feennex_build(merchant, "transfer/try",
                      "{\"amount\": \"10.50\", \"amount_type\": \"receive_amount\","
                      " \"payee_currency\": 840, \"shop_currency\": 840}",
                      &request, &error) != FEENNEX_STATUS_OK) {
        fprintf(stderr, "%s\n", error); /* JSON: kind, message, field, code ... */
        feennex_string_free(error);
        feennex_merchant_free(merchant);
        return 1;
    }
    printf("request: %s\n", request); /* {"method":"POST","url":...,"headers":{...},"body":...} */
    feennex_string_free(request);
    feennex_merchant_free(merchant);
    return 0;
}

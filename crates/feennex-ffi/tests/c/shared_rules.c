/* The rules every binding shares, checked through the C ABI (see
 * crates/feennex-ops/tests/data/conformance.json for the cases every language
 * runs). */
#include <stdio.h>
#include <string.h>

#include "feennex.h"
#include "check.h"

/* The rules every binding shares: a parameter or option no operation reads is
 * refused by name, callbacks are verified with the merchant's own key (each
 * refusal with its reason, an order mismatch with its field), the pay page is
 * signed by the core, and which withdrawal statuses are final is the core's. */
void shared_rules(void) {
    FeennexMerchant *merchant = NULL;
    char *out = NULL, *error = NULL;
    CHECK(feennex_merchant_new_with_options(6, "rules-secret", NULL, "{\"retries\":3}", &merchant, &error) ==
              FEENNEX_STATUS_INVALID_ARGUMENT, "unknown option");
    CHECK(error && strstr(error, "\"field\":\"retries\""), "%s", error);
    feennex_string_free(error);
    CHECK(feennex_merchant_new_with_options(6, "", NULL, NULL, &merchant, &error) == FEENNEX_STATUS_INVALID_ARGUMENT,
          "empty key");
    CHECK(error && strstr(error, "\"field\":\"secret\""), "%s", error);
    feennex_string_free(error);
    CHECK(feennex_merchant_new_with_options(6, "rules-secret", NULL, "{\"max_creates\":2,\"max_response_bytes\":4096}",
                                            &merchant, NULL) == FEENNEX_STATUS_OK, "merchant with options");
    size_t limit = 0;
    CHECK(feennex_merchant_max_response_bytes(merchant, &limit) == FEENNEX_STATUS_OK && limit == 4096, "%zu", limit);

    CHECK(feennex_build(merchant, "transfer/create",
                        "{\"amount\":\"1\",\"amount_type\":\"receive_amount\",\"payee_account\":\"201234567890\","
                        "\"payee_currency\":840,\"shop_currency\":840,\"shop_payment_id\":\"r-1\",\"descripton\":\"typo\"}",
                        &out, &error) == FEENNEX_STATUS_INVALID_ARGUMENT, "misspelt parameter");
    CHECK(out == NULL && error && strstr(error, "\"field\":\"descripton\""), "%s", error);
    feennex_string_free(error);

    const char *names[] = {"payment_id", "shop_amount", "shop_currency", "shop_id", "shop_order_id", "status"};
    const char *values[] = {"9001", "25.50", "840", "6", "o-42", "success"};
    char *sign = NULL;
    CHECK(feennex_sign(names, values, 6, "rules-secret", &sign, NULL) == FEENNEX_STATUS_OK, "sign");
    char body[512];
    int length = snprintf(body, sizeof body,
                          "payment_id=9001&shop_amount=25.50&shop_currency=840&shop_id=6&shop_order_id=o-42"
                          "&status=success&sign=%s", sign);
    feennex_string_free(sign);
    const char *allow[] = {"87.98.145.206"};
    const char *form = "application/x-www-form-urlencoded";
    const char *order = "{\"shop_order_id\":\"o-42\",\"amount\":\"25.5\",\"currency\":840}";
    CHECK(feennex_merchant_verify_callback(merchant, (const uint8_t *)body, (size_t)length, form, "87.98.145.206",
                                           allow, 1, false, NULL, 0, false, order, &out, NULL) == FEENNEX_STATUS_OK,
          "the merchant's own key and order");
    CHECK(out && strstr(out, "\"shop_order_id\":\"o-42\""), "%s", out);
    feennex_string_free(out);
    CHECK(feennex_merchant_verify_callback(merchant, (const uint8_t *)body, (size_t)length, form, "192.0.2.7",
                                           allow, 1, false, NULL, 0, false, NULL, &out, &error) == FEENNEX_STATUS_FAILED,
          "unknown sender");
    CHECK(error && strstr(error, "\"reason\":\"sender_not_allowed\""), "%s", error);
    feennex_string_free(error);
    const char *other = "{\"shop_order_id\":\"o-42\",\"amount\":\"25.51\",\"currency\":840}";
    CHECK(feennex_merchant_verify_callback(merchant, (const uint8_t *)body, (size_t)length, form, "87.98.145.206",
                                           allow, 1, false, NULL, 0, false, other, &out, &error) == FEENNEX_STATUS_FAILED,
          "another amount");
    CHECK(error && strstr(error, "\"kind\":\"order_mismatch\"") && strstr(error, "\"field\":\"shop_amount\""), "%s",
          error);
    feennex_string_free(error);
    body[28] = '9'; /* shop_amount=25.50 becomes 95.50 */
    CHECK(feennex_merchant_verify_callback(merchant, (const uint8_t *)body, (size_t)length, form, "87.98.145.206",
                                           allow, 1, false, NULL, 0, false, NULL, &out, &error) == FEENNEX_STATUS_FAILED,
          "altered amount");
    CHECK(error && strstr(error, "\"reason\":\"bad_signature\""), "%s", error);
    feennex_string_free(error);

    CHECK(feennex_pay_page(merchant, "{\"amount\":\"10.00\",\"currency\":643,\"shop_order_id\":\"101\",\"lang\":\"ru\"}",
                           &out, NULL) == FEENNEX_STATUS_OK, "pay page");
    CHECK(out && strstr(out, "\"action\":\"https://pay.feennex.com/ru/pay\"") && strstr(out, "[\"amount\",\"10\"]") &&
              strstr(out, "[\"sign\",\""), "%s", out);
    feennex_string_free(out);
    FeennexSigner *signer = NULL;
    char signature[FEENNEX_SIGNATURE_LEN + 1];
    const char packed[] = "amount\00010.00\0currency\000643\0shop_id\0005\0shop_order_id\000101\0";
    CHECK(feennex_signer_new("SecretKey01", &signer, NULL) == FEENNEX_STATUS_OK, "signer");
    CHECK(feennex_signer_sign(signer, packed, sizeof packed - 1, 4, signature, NULL) == FEENNEX_STATUS_OK &&
              strcmp(signature, "e4580435a252d61ef91b71cb23ed7bee4d77de94ced36411526d2ce3b66ada8f") == 0,
          "%s", signature);
    CHECK(feennex_signer_sign(signer, packed, sizeof packed - 1, 3, signature, &error) == FEENNEX_STATUS_INVALID_ARGUMENT,
          "a count that does not match");
    CHECK(error && strstr(error, "\"field\":\"fields\""), "%s", error);
    feennex_string_free(error);
    feennex_signer_free(signer);
    CHECK(!feennex_withdraw_status_is_final(4) && !feennex_withdraw_status_is_final(9) &&
              feennex_withdraw_status_is_final(5) && feennex_withdraw_status_is_final(6), "withdrawal finality");
    feennex_merchant_free(merchant);
}


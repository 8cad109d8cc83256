

typedef enum FeennexStatus {
  FEENNEX_STATUS_OK = 0,
  FEENNEX_STATUS_INVALID_ARGUMENT = 1,
  FEENNEX_STATUS_FAILED = 2,
  FEENNEX_STATUS_PANIC = 3,
} FeennexStatus;

typedef struct FeennexMachine FeennexMachine;

typedef struct FeennexMerchant FeennexMerchant;

typedef struct FeennexSigner FeennexSigner;

void feennex_string_free(char *text);

enum FeennexStatus feennex_verify_callback(const uint8_t *body,
                                           size_t body_len,
                                           const char *content_type,
                                           const char *remote_ip,
                                           const char *const *allow,
                                           size_t allow_count,
                                           bool checked_upstream,
                                           const char *secret,
                                           char **out,
                                           char **error);

enum FeennexStatus feennex_verify_callback_fields(const uint8_t *body,
                                                  size_t body_len,
                                                  const char *content_type,
                                                  const char *remote_ip,
                                                  const char *const *allow,
                                                  size_t allow_count,
                                                  bool checked_upstream,
                                                  const char *const *allow_fields,
                                                  size_t allow_fields_count,
                                                  bool permissive,
                                                  const char *secret,
                                                  char **out,
                                                  char **error);

enum FeennexStatus feennex_merchant_verify_callback(const struct FeennexMerchant *merchant,
                                                    const uint8_t *body,
                                                    size_t body_len,
                                                    const char *content_type,
                                                    const char *remote_ip,
                                                    const char *const *allow,
                                                    size_t allow_count,
                                                    bool checked_upstream,
                                                    const char *const *allow_fields,
                                                    size_t allow_fields_count,
                                                    bool permissive,
                                                    const char *order_json,
                                                    char **out,
                                                    char **error);

enum FeennexStatus feennex_machine_new(const struct FeennexMerchant *merchant,
                                       const char *operation,
                                       const char *params_json,
                                       bool resume,
                                       struct FeennexMachine **out,
                                       char **error);

enum FeennexStatus feennex_machine_poll(struct FeennexMachine *machine, char **out, char **error);

enum FeennexStatus feennex_machine_receive_response(struct FeennexMachine *machine,
                                                    uint16_t status,
                                                    const uint8_t *body,
                                                    size_t body_len,
                                                    char **error);

enum FeennexStatus feennex_machine_receive_failure(struct FeennexMachine *machine,
                                                   bool sent,
                                                   const char *message,
                                                   char **error);

void feennex_machine_free(struct FeennexMachine *machine);

enum FeennexStatus feennex_merchant_new(uint64_t shop_id,
                                        const char *secret,
                                        const char *base_url,
                                        uint32_t attempt_timeout_ms,
                                        struct FeennexMerchant **out,
                                        char **error);

enum FeennexStatus feennex_merchant_new_with_options(uint64_t shop_id,
                                                     const char *secret,
                                                     const char *base_url,
                                                     const char *options_json,
                                                     struct FeennexMerchant **out,
                                                     char **error);

enum FeennexStatus feennex_merchant_max_response_bytes(const struct FeennexMerchant *merchant,
                                                       size_t *out);

void feennex_merchant_free(struct FeennexMerchant *merchant);

enum FeennexStatus feennex_build(const struct FeennexMerchant *merchant,
                                 const char *operation,
                                 const char *params_json,
                                 char **out,
                                 char **error);

enum FeennexStatus feennex_parse(const char *operation,
                                 uint16_t status,
                                 const uint8_t *body,
                                 size_t body_len,
                                 char **out,
                                 char **error);

enum FeennexStatus feennex_pay_page(const struct FeennexMerchant *merchant,
                                    const char *params_json,
                                    char **out,
                                    char **error);

bool feennex_withdraw_status_is_final(int64_t status);

enum FeennexStatus feennex_sign(const char *const *names,
                                const char *const *values,
                                size_t count,
                                const char *secret,
                                char **out,
                                char **error);

enum FeennexStatus feennex_string_to_sign(const char *const *names,
                                          const char *const *values,
                                          size_t count,
                                          char **out,
                                          char **error);

enum FeennexStatus feennex_amount_text(const char *amount, char **out, char **error);

enum FeennexStatus feennex_signer_new(const char *secret, struct FeennexSigner **out, char **error);

void feennex_signer_free(struct FeennexSigner *signer);

enum FeennexStatus feennex_signer_sign(const struct FeennexSigner *signer,
                                       const char *packed,
                                       size_t packed_len,
                                       size_t count,
                                       char *out,
                                       char **error);

enum FeennexStatus feennex_sign_packed(const char *packed,
                                       size_t packed_len,
                                       size_t count,
                                       const char *secret,
                                       char *out,
                                       char **error);

// Type declarations of the `feennex` package. Amounts are decimal strings both
// ways ("10.50" in, exactly what the server wrote out); integers (currencies, ids)
// may be numbers or strings; parameter and result fields use the API's names.

/** An amount as a decimal string, such as "10.50" (integers and bigints are accepted too). */
export type AmountInput = string | number | bigint;
/** An ISO 4217 numeric currency code, such as 840. */
export type CurrencyInput = number | string;
/** An exact decimal as text. */
export type Decimal = string;

export const CALLBACK_REPLY_OK: 'OK';

/** The names of every operation (the API paths). */
export const OPERATIONS: readonly Operation[];

export type Operation =
  | 'transfer/try' | 'transfer/create' | 'transfer/shop_payment_status'
  | 'bill/create' | 'bill/shop_order_status'
  | 'invoice/try' | 'invoice/create'
  | 'withdraw/try' | 'check_account' | 'withdraw/create' | 'withdraw/status' | 'withdraw/shop_payment_status'
  | 'shop_balance';

export type PayoutOperation = 'transfer/create' | 'withdraw/create';

/** The core's one table of failure kinds (`FAILURE_KINDS`; a test keeps this union equal to it). */
export type FailureKind =
  | 'invalid_input' | 'api' | 'not_envelope' | 'transport' | 'transport_not_sent' | 'payout_unresolved'
  | 'conflict' | 'unverified' | 'limit_reached' | 'out_of_turn' | 'unexpected_data' | 'callback_rejected'
  | 'order_mismatch' | 'internal';

/** Every failure kind, from the core. */
export const FAILURE_KINDS: readonly FailureKind[];

/** Why a callback was refused: the core's stable reason, the same in every language. */
export type CallbackReason =
  | 'sender_not_allowed' | 'unsupported_content_type' | 'malformed_body' | 'missing_sign' | 'bad_signature'
  | 'unexpected_field' | 'missing_field' | 'malformed_field';

/** Every failure of the SDK. */
export class FeennexError extends Error {
  readonly name: 'FeennexError';
  /** Which failure. */
  readonly kind: FailureKind;
  /** The parameter at fault (`invalid_input`; a misspelt one under its own name), or the field that differs (`order_mismatch`, `conflict`). */
  readonly field?: string;
  /** The API's error code (`api`), such as 9 for insufficient balance. */
  readonly code?: number;
  /** The documented name of that code, such as `InsufficientBalance`, or `Unknown`. */
  readonly codeName?: string;
  /** The server's own message (`api`). */
  readonly serverMessage?: string;
  /** The HTTP status of the answer, when there was one. */
  readonly httpStatus?: number;
  /** The start of a body that could not be read (`not_envelope`, `unexpected_data`). */
  readonly snippet?: string;
  /** The operation whose answer could not be read (`unexpected_data`). */
  readonly endpoint?: string;
  /** Which check refused a callback (`callback_rejected`). */
  readonly reason?: CallbackReason;
  /** What the callback says in the field that differs (`order_mismatch`). */
  readonly received?: string;
  /** The payout's id, the creates that may have reached the server and the lookups sent (`payout_unresolved`). */
  readonly shopPaymentId?: string;
  readonly createsSent?: number;
  readonly statusChecks?: number;
  /** The last failure seen (`payout_unresolved`). */
  readonly lastError?: FeennexError;
  /** Which limit was reached (`limit_reached`). */
  readonly limit?: string;
  /** The payout found under the id (`conflict`, `unverified`). */
  readonly payoutId?: number;
  /** What was asked, and what the payout found has, in the field that differs (`conflict`). */
  readonly asked?: string;
  readonly found?: string;
  /** What was asked that the answer does not carry (`unverified`). */
  readonly notCompared?: string[];
  /** The API's message when it refused this call's create as not unique (`conflict`, `unverified`). */
  readonly notUnique?: string;
  /** The API said the id was taken before this call's create could arrive (`payout_unresolved`). */
  readonly preexisting?: boolean;
  /** Whether the server may have acted although no usable answer came. */
  readonly outcomeUnknown: boolean;
}

export type Fields = Record<string, string | number | bigint> | Iterable<[string, string | number | bigint]>;

/** The signature of `fields` with the shop's secret (lowercase hex SHA-256). A name or value holding a NUL character is refused. */
export function sign(fields: Fields, secret: string): string;

/** A shop's key kept for signing many field sets, one N-API crossing per signature. */
export class Signer {
  constructor(secret: string);
  sign(fields: Fields): string;
  /** Whether `received` is the signature of `fields` (constant time). */
  verify(fields: Fields, received: string): boolean;
}

/** Whether a withdrawal in this status has ended (4 and 9 look like errors but are not final). */
export function withdrawStatusIsFinal(status: number): boolean;
/** The string-to-sign of `fields`, without the secret. */
export function stringToSign(fields: Fields): string;
/** The canonical text of an amount: `amountText('10.50') === '10.5'`. */
export function amountText(amount: AmountInput): string;

export type Body = string | Buffer | Uint8Array | ArrayBuffer;

/** The typed data of an answer to `operation`; throws a `FeennexError` with the API's code when refused. */
export function parseResponse<O extends Operation>(operation: O, status: number, body: Body): Output<O>;

export interface CallbackRules {
  body: Body;
  contentType: string;
  /** The sender's address (`request.socket.remoteAddress`, or the proxy's forwarded one). */
  remoteIp: string;
  /** Allowed senders: addresses, CIDR blocks (`51.68.53.0/24`) or ranges (`51.68.53.104-51.68.53.107`). */
  allow?: Iterable<string>;
  /** A proxy in front already refused other senders (instead of `allow`). */
  checkedUpstream?: boolean;
  /**
   * Fields accepted besides the documented ones, such as a payway's `phone`.
   * Each name is one more place a re-split callback can hide text: allow only those you need.
   */
  allowFields?: Iterable<string>;
  /**
   * Check the signature only, not which fields the callback has (not with `allowFields`).
   * A re-split callback passes this: confirm the payment with the API before acting.
   */
  permissive?: boolean;
}

export interface CallbackOptions extends CallbackRules {
  secret: string;
}

/** The merchant's order, to check a verified callback against. */
export interface OrderCheck {
  shop_order_id: string;
  amount: AmountInput;
  currency: CurrencyInput;
}

/** The fields of a verified callback, by name (JSON nulls as null). Throws kind `callback_rejected` (with `reason`) otherwise. */
export function verifyCallback(options: CallbackOptions): Record<string, string | null>;

export interface SignedRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type Step<T> =
  | { step: 'send'; role: 'call' | 'create' | 'lookup'; timeout_ms: number; request: SignedRequest }
  | { step: 'wait'; ms: number }
  | { step: 'done'; value: T }
  | { step: 'failed'; error: { kind: FailureKind; message: string; code?: number; field?: string } };

/** A call in progress: the core's machine, for your own HTTP stack. */
export class Machine<T = unknown> {
  poll(): Step<T>;
  receiveResponse(status: number, body: Body): void;
  /** The last `send` failed; `sent`: whether it could have reached the server (when in doubt, true). */
  receiveFailure(sent: boolean, message: string): void;
}

/** The options of every call, the same in every binding (an unknown one is refused by name). */
export interface MerchantOptions {
  shopId: number;
  secret: string;
  /** Default `https://core.feennex.com`; plain HTTP only to loopback unless `allowPlainHttp`. */
  baseUrl?: string;
  /** How long one attempt may take, in milliseconds. */
  attemptTimeoutMs?: number;
  /** How long a whole call may take, retries included, in milliseconds. */
  totalTimeoutMs?: number;
  /** Most create requests of one exactly-once payout. */
  maxCreates?: number;
  /** Most status lookups of one exactly-once payout. */
  maxStatusChecks?: number;
  /** Plain `http://` to another machine (anyone on the path could read and alter payouts). */
  allowPlainHttp?: boolean;
  /** The largest answer read, in bytes (default `DEFAULT_MAX_RESPONSE_BYTES`). */
  maxResponseBytes?: number;
}

/** The hosted pay page's parameters. */
export interface PayPageParams extends PaymentUrls {
  amount: AmountInput;
  currency: CurrencyInput;
  shop_order_id: string;
  description?: string;
  payway?: string;
  payer_account?: string;
  lang?: 'en' | 'ru';
  host?: string;
}

/** A shop: its id, its key (kept by the core, never shown), the base URL and the options of every call. */
export class Merchant {
  constructor(options: MerchantOptions);
  readonly shopId: number;
  readonly maxResponseBytes: number;
  /** Verifies a callback with this shop's key; with `order`, also checks it is for that order (kind `order_mismatch` otherwise). */
  verifyCallback(options: CallbackRules & { order?: OrderCheck }): Record<string, string | null>;
  /** The hosted pay page: the signed fields to post to `action`. */
  payPage(params: PayPageParams): { action: string; fields: [string, string][] };
  buildRequest<O extends Operation>(operation: O, params: Params<O>): SignedRequest;
  stringToSign<O extends Operation>(operation: O, params: Params<O>): string;
  machine<O extends PayoutOperation>(operation: O, params: Params<O>, options?: { resume?: boolean }): Machine<PayoutOutcome<O>>;
  machine<O extends Operation>(operation: O, params: Params<O>, options?: { resume?: boolean }): Machine<Output<O>>;
}

/** The largest answer read by default, in bytes. */
export const DEFAULT_MAX_RESPONSE_BYTES: number;

/** Runs a machine to its end with `fetch`; longer answers count as failures after sending. */
export function drive<T>(machine: Machine<T>, fetchImpl?: typeof fetch, options?: { maxResponseBytes?: number }): Promise<T>;

export interface ClientOptions extends MerchantOptions {
  /** Another `fetch` (default: the built-in one). */
  fetch?: typeof fetch;
}

/** A client on the built-in `fetch`; `transfer` and `withdraw` pay exactly once. */
export class Client {
  constructor(options: ClientOptions);
  readonly merchant: Merchant;
  call<O extends Exclude<Operation, PayoutOperation>>(operation: O, params: Params<O>): Promise<Output<O>>;
  payout<O extends PayoutOperation>(operation: O, params: Params<O>): Promise<PayoutOutcome<O>>;
  resumePayout<O extends PayoutOperation>(operation: O, params: Params<O>): Promise<PayoutOutcome<O>>;
  transferTry(params: TransferTryParams): Promise<TransferQuote>;
  transfer(params: TransferCreateParams): Promise<PayoutOutcome<'transfer/create'>>;
  transferStatus(params: ByPaymentIdParams): Promise<TransferPayout>;
  billCreate(params: BillCreateParams): Promise<Bill>;
  billStatus(params: ByOrderIdParams): Promise<BillState>;
  invoiceTry(params: InvoiceTryParams): Promise<InvoiceQuote>;
  invoiceCreate(params: InvoiceCreateParams): Promise<InvoiceCreated>;
  withdrawTry(params: WithdrawTryParams): Promise<WithdrawQuote>;
  checkAccount(params: CheckAccountParams): Promise<AccountCheck>;
  withdraw(params: WithdrawCreateParams): Promise<PayoutOutcome<'withdraw/create'>>;
  withdrawStatus(params: ByWithdrawIdParams): Promise<Withdrawal>;
  withdrawShopPaymentStatus(params: ByPaymentIdParams): Promise<Withdrawal>;
  shopBalance(params?: { now?: string; extra_fields?: Record<string, unknown> }): Promise<ShopBalances>;
}

// Parameters, by operation.

export interface PaymentUrls {
  success_url?: string;
  failed_url?: string;
  callback_url?: string;
}
/** Unsigned fields the core does not know, sent as given (not with the payout creates). */
export interface ExtraFields { extra_fields?: Record<string, unknown> }
export interface TransferTryParams extends ExtraFields {
  amount: AmountInput;
  amount_type: 'receive_amount' | 'writeoff_amount';
  payee_currency: CurrencyInput;
  shop_currency: CurrencyInput;
}
export interface TransferCreateParams extends Omit<TransferTryParams, 'extra_fields'> {
  payee_account: string;
  shop_payment_id: string;
  description?: string;
}
/** `now` defaults to the current time. */
export interface ByPaymentIdParams extends ExtraFields { shop_payment_id: string; now?: string }
export interface ByOrderIdParams extends ExtraFields { shop_order_id: string; now?: string }
export interface ByWithdrawIdParams extends ExtraFields { withdraw_id: number | bigint | string; now?: string }
export interface BillCreateParams extends PaymentUrls, ExtraFields {
  payer_currency: CurrencyInput;
  shop_amount: AmountInput;
  shop_currency: CurrencyInput;
  shop_order_id: string;
  description?: string;
  payer_account?: string;
}
export interface InvoiceTryParams extends ExtraFields {
  amount: AmountInput;
  currency: CurrencyInput;
  payway: string;
  shop_order_id: string;
}
export interface InvoiceCreateParams extends InvoiceTryParams, PaymentUrls {
  /** The extra fields the payway asks for (see `add_ons_config`). */
  add_ons?: Record<string, string>;
  description?: string;
}
export interface WithdrawTryParams extends ExtraFields {
  amount: AmountInput;
  amount_type: 'ps_amount' | 'shop_amount';
  payway: string;
  shop_currency: CurrencyInput;
}
export interface CheckAccountParams extends ExtraFields {
  account: string;
  amount: AmountInput;
  payway: string;
  account_details?: Record<string, unknown>;
}
export interface WithdrawCreateParams extends Omit<WithdrawTryParams, 'extra_fields'> {
  account: string;
  shop_payment_id: string;
  account_details?: Record<string, unknown>;
}

export interface ParamsOf {
  'transfer/try': TransferTryParams;
  'transfer/create': TransferCreateParams;
  'transfer/shop_payment_status': ByPaymentIdParams;
  'bill/create': BillCreateParams;
  'bill/shop_order_status': ByOrderIdParams;
  'invoice/try': InvoiceTryParams;
  'invoice/create': InvoiceCreateParams;
  'withdraw/try': WithdrawTryParams;
  check_account: CheckAccountParams;
  'withdraw/create': WithdrawCreateParams;
  'withdraw/status': ByWithdrawIdParams;
  'withdraw/shop_payment_status': ByPaymentIdParams;
  shop_balance: { now?: string; extra_fields?: Record<string, unknown> };
}
export type Params<O extends Operation> = ParamsOf[O];

// Results, by operation: the API's fields; amounts as exact decimal strings.

export interface LocalizedText { en?: string | null; ru?: string | null }
export interface AccountFieldInfo { label: LocalizedText; comment: LocalizedText; example?: string | null; regex?: string | null }
export interface TransferQuote {
  payee_amount: Decimal; payee_currency: number; shop_currency: number; write_off_amount: Decimal;
  account_info_config: Record<string, AccountFieldInfo>; info: Record<string, unknown>;
}
export interface TransferCreated {
  id: number; balance?: Decimal | null; payee_account?: string | null; payee_amount?: Decimal | null;
  payee_currency?: number | null; shop?: number | null; shop_currency: number; write_off_amount: Decimal;
}
export interface TransferPayout {
  id: number; shop_payment_id?: string | null; receive_amount?: Decimal | null; payee_currency?: number | null;
  shop_currency: number; write_off_amount: Decimal;
}
export interface Bill {
  id: number; url: string; created?: string | null; lifetime?: number | null; payer_account?: string | null;
  payer_currency?: number | null; payer_price?: Decimal | null; shop_amount?: Decimal | null; shop_currency?: number | null;
  shop_id?: number | null; shop_order_id?: string | null; shop_refund?: Decimal | null;
}
export interface BillState {
  id: number; /** 1 Waiting, 2 Paid, 3 Canceled, 4 Expired. */ status: number; shop_order_id?: string | null;
  shop_amount?: Decimal | null; shop_currency?: number | null; payer_price?: Decimal | null; payer_currency?: number | null;
  shop_refund?: Decimal | null; created?: string | null;
}
export interface InvoiceQuote {
  add_ons_config: Record<string, AccountFieldInfo>; payer_price?: Decimal | null; ps_currency?: number | null;
  paymethod_id?: number | null; paymethod_name?: string | null; manual?: boolean | null; info: Record<string, unknown>;
}
export interface InvoiceCreated { id: number; method?: string | null; url?: string | null; data: Record<string, unknown> }
export interface WithdrawQuote {
  payee_receive: Decimal; ps_currency: number; shop_currency: number; shop_write_off: Decimal;
  account_info_config: Record<string, AccountFieldInfo>; info: Record<string, unknown>;
}
export interface AccountCheck {
  result: boolean; verified?: boolean | null; provider_status?: string | null; account_info: Record<string, unknown>;
}
export interface Withdrawal {
  id: number; /** 1 New … 5 Success, 6 Rejected; 4 and 9 are not final (`withdrawStatusIsFinal`). */ status: number;
  payee_receive?: Decimal | null; ps_currency?: number | null; shop_currency: number;
  shop_payment_id?: string | null; shop_write_off: Decimal; balance?: Decimal | null;
}
export interface Balance {
  currency: number; available: Decimal; frozen?: Decimal | null; hold?: Decimal | null; rolling_reserve?: Decimal | null;
}
export interface ShopBalances { balances: Balance[]; shop_id?: number | null }

export interface OutputOf {
  'transfer/try': TransferQuote;
  'transfer/create': TransferCreated;
  'transfer/shop_payment_status': TransferPayout;
  'bill/create': Bill;
  'bill/shop_order_status': BillState;
  'invoice/try': InvoiceQuote;
  'invoice/create': InvoiceCreated;
  'withdraw/try': WithdrawQuote;
  check_account: AccountCheck;
  'withdraw/create': Withdrawal;
  'withdraw/status': Withdrawal;
  'withdraw/shop_payment_status': Withdrawal;
  shop_balance: ShopBalances;
}
export type Output<O extends Operation> = OutputOf[O];

/** The facts of a payout, however it was learnt. */
export interface PayoutSummary { id: number; write_off: Decimal; shop_currency: number }

/** How an exactly-once payout ended: the payout as created by this call or as found by its `shop_payment_id`. */
export interface PayoutOutcome<O extends PayoutOperation> {
  record: { created: Output<O> } | { found: O extends 'transfer/create' ? TransferPayout : Withdrawal };
  summary: PayoutSummary;
  /** Create requests that may have reached the server. */
  creates_sent: number;
  status_checks: number;
  /** Whether the payout was adopted from a lookup rather than a create's answer. */
  reconciled: boolean;
  /** Whether the payout existed before this call (its first create was answered "not unique"; not on a resume). */
  preexisting: boolean;
}

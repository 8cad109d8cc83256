'use strict';
// The Feennex core for Node.js. Everything that decides (signatures, amount text,
// request bodies, parsing, callback checks, the exactly-once payout machine) runs
// in the Rust core through `feennex.node`; this file gives it JavaScript shapes and
// sends the core's requests with the built-in `fetch`.

const native = require('./feennex.node');

/** The reply body Feennex expects (with HTTP 200) to a callback it should not send again. */
const CALLBACK_REPLY_OK = 'OK';

/** The name of every failure kind (the core's one table). */
const FAILURE_KINDS = Object.freeze(native.failureKinds());

/** Every failure of the SDK: `kind` says which, `code` is the API's error code. */
class FeennexError extends Error {
  constructor(failure) {
    super(failure.message);
    this.name = 'FeennexError';
    this.kind = failure.kind;
    this.field = failure.field;
    this.code = failure.code;
    this.codeName = failure.code_name;
    this.serverMessage = failure.server_message;
    this.httpStatus = failure.http_status;
    this.snippet = failure.snippet;
    this.endpoint = failure.endpoint;
    this.reason = failure.reason;
    this.received = failure.received;
    this.shopPaymentId = failure.shop_payment_id;
    this.createsSent = failure.creates_sent;
    this.statusChecks = failure.status_checks;
    this.lastError = failure.last_error ? new FeennexError(failure.last_error) : undefined;
    this.limit = failure.limit;
    this.payoutId = failure.payout_id;
    this.asked = failure.asked;
    this.found = failure.found;
    this.notCompared = failure.not_compared;
    this.notUnique = failure.not_unique;
    this.preexisting = failure.preexisting;
    this.outcomeUnknown = Boolean(failure.outcome_unknown);
  }
}

function invalid(field, reason) {
  return new FeennexError({ kind: 'invalid_input', field, message: `invalid ${field}: ${reason}`, outcome_unknown: false });
}

/** The `FeennexError` of an error the addon threw (its message is a JSON failure). */
function failureOf(error) {
  if (error instanceof FeennexError) return error;
  let failure;
  try {
    failure = JSON.parse(error.message);
  } catch {
    failure = { kind: 'invalid_input', message: String(error.message), outcome_unknown: false };
  }
  return new FeennexError(failure);
}

/** Calls the addon, turning its JSON failures into `FeennexError`s. */
function call(work) {
  try {
    return work();
  } catch (error) {
    throw failureOf(error);
  }
}

/** A value sent as text: strings as they are, safe integers and bigints as digits. */
function text(field, value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'number') throw invalid(field, 'a fractional number; give amounts as strings, such as "10.50"');
  throw invalid(field, `expected a string, got ${value === null ? 'null' : typeof value}`);
}

function fieldPairs(fields) {
  if (fields === null || typeof fields !== 'object') throw invalid('fields', 'expected an object or an array of [name, value] pairs');
  const entries = Symbol.iterator in fields ? Array.from(fields) : Object.entries(fields);
  const names = [];
  const values = [];
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2) throw invalid('fields', 'each field must be a [name, value] pair');
    names.push(text('field name', entry[0]));
    values.push(text(String(entry[0]), entry[1]));
  }
  return [names, values];
}

function requireString(field, value) {
  if (typeof value !== 'string') throw invalid(field, 'expected a string');
  return value;
}

/** How many fields the last `pack` wrote (kept apart to spare an array per signature). */
let packedCount = 0;

/**
 * The fields as one text for the addon: each name and value followed by a NUL,
 * so that a signature crosses N-API once. Their number is left in `packedCount`.
 */
function pack(fields) {
  if (fields === null || typeof fields !== 'object') throw invalid('fields', 'expected an object or an array of [name, value] pairs');
  let packed = '';
  let count = 0;
  if (Symbol.iterator in fields) {
    for (const entry of fields) {
      if (!Array.isArray(entry) || entry.length !== 2) throw invalid('fields', 'each field must be a [name, value] pair');
      const name = text('field name', entry[0]);
      const value = entry[1];
      packed += `${name}\0${typeof value === 'string' ? value : text(name, value)}\0`;
      count += 1;
    }
  } else {
    for (const name in fields) {
      if (!Object.hasOwn(fields, name)) continue;
      const value = fields[name];
      packed += `${name}\0${typeof value === 'string' ? value : text(name, value)}\0`;
      count += 1;
    }
  }
  packedCount = count;
  return packed;
}

/** The signature of `fields` (an object or [name, value] pairs) with the shop's secret. */
function sign(fields, secret) {
  const packed = pack(fields);
  requireString('secret', secret);
  try {
    return native.signPacked(packed, packedCount, secret);
  } catch (error) {
    throw failureOf(error);
  }
}

/**
 * A shop's key kept for signing many field sets: `new Signer(secret).sign(fields)`
 * is `sign(fields, secret)` with one N-API crossing per signature. The key stays
 * in the core and is never shown.
 */
class Signer {
  constructor(secret) {
    const nativeSigner = call(() => new native.NativeSigner(requireString('secret', secret)));
    Object.defineProperty(this, '_native', { value: nativeSigner, enumerable: false });
  }

  /** The signature of `fields`. */
  sign(fields) {
    const packed = pack(fields);
    try {
      return this._native.sign(packed, packedCount);
    } catch (error) {
      throw failureOf(error);
    }
  }

  /** Whether `received` is the signature of `fields` (compared in constant time). */
  verify(fields, received) {
    const packed = pack(fields);
    const count = packedCount;
    return call(() => this._native.verify(packed, count, requireString('received', received)));
  }

  toJSON() {
    return {};
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return 'Signer { <secret> }';
  }
}

/** Whether a withdrawal in this status has ended (the core's rule: 4 and 9 look like errors but are not final). */
function withdrawStatusIsFinal(status) {
  if (!Number.isSafeInteger(status)) throw invalid('status', 'expected an integer');
  return native.withdrawStatusIsFinal(status);
}

/** The string-to-sign of `fields`, without the secret. */
function stringToSign(fields) {
  const [names, values] = fieldPairs(fields);
  return call(() => native.stringToSign(names, values));
}

/** The canonical text of an amount: `amountText('10.50') === '10.5'`. */
function amountText(amount) {
  return call(() => native.amountText(text('amount', amount)));
}

/** The names of every operation (the API paths). */
const OPERATIONS = Object.freeze(native.operations());

function paramsJson(params) {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw invalid('params', 'expected an object');
  return JSON.stringify(params, (key, value) => {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw invalid(key, 'a fractional or unsafe number; give amounts as strings, such as "10.50"');
    }
    return value;
  });
}

function bodyBytes(body) {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw invalid('body', 'expected a string, a Buffer or a Uint8Array');
}

function status(value) {
  if (!Number.isInteger(value) || value < 100 || value > 999) throw invalid('status', 'expected an HTTP status');
  return value;
}

/**
 * The typed data of an answer to `operation` (status and body as received).
 * Throws a `FeennexError` carrying the API's `code` when Feennex refused.
 */
function parseResponse(operation, statusCode, body) {
  const json = call(() => native.parseResponse(requireString('operation', operation), status(statusCode), bodyBytes(body)));
  return JSON.parse(json);
}

/** Names of fields to accept besides the documented ones: an array (or other iterable) of strings. */
function fieldNames(allowFields) {
  if (allowFields === undefined) return [];
  if (allowFields === null || typeof allowFields !== 'object' || !(Symbol.iterator in allowFields)) {
    throw invalid('allow_fields', 'expected an array of field names');
  }
  return Array.from(allowFields, (name) => requireString('allow_fields', name));
}

/** The core's callback rules from the caller's options (the core checks them). */
function callbackRules({ allow, checkedUpstream, allowFields, permissive = false }) {
  if (typeof permissive !== 'boolean') throw invalid('permissive', 'expected true or false');
  if (checkedUpstream !== undefined && typeof checkedUpstream !== 'boolean') {
    throw invalid('checked_upstream', 'expected true or false');
  }
  const ranges = allow === undefined || allow === null
    ? undefined
    : Array.from(allow, (range) => requireString('allow', range));
  return { allow: ranges, checkedUpstream: checkedUpstream === true, allowFields: fieldNames(allowFields), permissive };
}

/**
 * Verifies a callback with `secret`: the sender (`allow`: addresses, CIDR blocks,
 * ranges; or `checkedUpstream: true` when a proxy in front checked it; exactly
 * one), the body (form or JSON), the signature, and the field set: the
 * documented fields only, those of a payment present, unless `allowFields` names
 * more (such as a payway's `phone`) or `permissive: true` leaves it unchecked
 * (not both). Returns its fields; throws a `FeennexError` of kind
 * `callback_rejected` with a `reason` otherwise. With a `Merchant`, use
 * `merchant.verifyCallback`, which needs no key.
 */
function verifyCallback(options = {}) {
  const { body, contentType, remoteIp, secret } = options;
  const rules = callbackRules(options);
  const json = call(() => native.verifyCallback(
    bodyBytes(body), requireString('contentType', contentType), requireString('remoteIp', remoteIp), rules,
    requireString('secret', secret),
  ));
  return JSON.parse(json);
}

/** A call in progress: the core's machine, stepped from JavaScript. */
class Machine {
  constructor(nativeMachine) {
    this._native = nativeMachine;
  }

  /** The next step: `{step: 'send', role, timeout_ms, request}`, `{step: 'wait', ms}`, `{step: 'done', value}` or `{step: 'failed', error}`. */
  poll() {
    return JSON.parse(call(() => this._native.poll()));
  }

  /** The answer to the last `send` step. */
  receiveResponse(statusCode, body) {
    call(() => this._native.receiveResponse(status(statusCode), bodyBytes(body)));
  }

  /** The last `send` step failed; `sent` says whether the request could have reached the server. */
  receiveFailure(sent, message) {
    call(() => this._native.receiveFailure(Boolean(sent), String(message ?? '')));
  }
}

/** The options of every call, by their JavaScript names (the core reads and checks them). */
const OPTION_NAMES = {
  attemptTimeoutMs: 'attempt_timeout_ms',
  totalTimeoutMs: 'total_timeout_ms',
  maxCreates: 'max_creates',
  maxStatusChecks: 'max_status_checks',
  allowPlainHttp: 'allow_plain_http',
  maxResponseBytes: 'max_response_bytes',
};

function optionsJson(options) {
  const core = {};
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    // An unknown option keeps its name, and the core refuses it by that name.
    core[OPTION_NAMES[name] ?? name] = value;
  }
  return JSON.stringify(core);
}

/** A shop: its id, its secret key (kept by the core, never shown), the base URL and the options of every call. */
class Merchant {
  constructor({ shopId, secret, baseUrl, fetch: _fetch, ...options } = {}) {
    if (!Number.isSafeInteger(shopId) || shopId <= 0) throw invalid('shop_id', 'expected a positive integer');
    if (baseUrl !== undefined) requireString('base_url', baseUrl);
    this.shopId = shopId;
    const nativeMerchant = call(() => new native.NativeMerchant(shopId, requireString('secret', secret), baseUrl, optionsJson(options)));
    Object.defineProperty(this, '_native', { value: nativeMerchant, enumerable: false });
  }

  /** The largest answer read, in bytes (the `maxResponseBytes` option, or the core's default). */
  get maxResponseBytes() {
    return this._native.maxResponseBytes();
  }

  /**
   * Verifies a callback with this shop's key (see `verifyCallback`); with
   * `order: {shop_order_id, amount, currency}`, also checks it is for that order
   * (amounts compared as decimals), throwing kind `order_mismatch` with the
   * `field` that differs.
   */
  verifyCallback(options = {}) {
    const { body, contentType, remoteIp, order } = options;
    const rules = callbackRules(options);
    const orderJson = order === undefined ? undefined : paramsJson(order);
    return JSON.parse(call(() => this._native.verifyCallback(
      bodyBytes(body), requireString('contentType', contentType), requireString('remoteIp', remoteIp), rules, orderJson,
    )));
  }

  /** The hosted pay page of an order: `{action, fields}`, the signed fields to post to `action`. */
  payPage(params) {
    return JSON.parse(call(() => this._native.payPage(paramsJson(params))));
  }

  /** The signed request of `operation`: `{method, url, headers, body}`. */
  buildRequest(operation, params) {
    return JSON.parse(call(() => this._native.build(requireString('operation', operation), paramsJson(params))));
  }

  /** The string-to-sign of `operation` with `params`, without the secret. */
  stringToSign(operation, params) {
    return call(() => this._native.stringToSign(requireString('operation', operation), paramsJson(params)));
  }

  /** The machine of `operation`: exactly once for payouts (looked up first when `resume`), retried as the core allows otherwise. */
  machine(operation, params, { resume = false } = {}) {
    return new Machine(call(() => this._native.machine(requireString('operation', operation), paramsJson(params), Boolean(resume))));
  }

  toJSON() {
    return { shopId: this.shopId };
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Merchant { shopId: ${this.shopId} }`;
  }
}

/** Errors of `fetch` that happen before a request can leave: resending is safe. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ENETUNREACH', 'EHOSTUNREACH']);

function notSent(error) {
  for (let cause = error; cause; cause = cause.cause) {
    if (NOT_SENT_CODES.has(cause.code)) return true;
  }
  return false;
}

function describe(error) {
  const parts = [];
  for (let cause = error; cause && parts.length < 4; cause = cause.cause) {
    parts.push(cause.code ? `${cause.message} (${cause.code})` : String(cause.message ?? cause));
  }
  return parts.join(': ');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The largest answer read by default, in bytes (the core's default). */
const DEFAULT_MAX_RESPONSE_BYTES = native.defaultMaxResponseBytes();

/** The whole body, refused beyond `limit` bytes: a hostile server cannot fill the memory. */
async function readLimited(response, limit) {
  const declared = Number(response.headers.get('content-length'));
  const tooLarge = () => new Error(`the answer is larger than ${limit} bytes`);
  if (declared > limit) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks = [];
  let total = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > limit) throw tooLarge(); // leaving the loop cancels the stream
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks, total);
}

/**
 * Runs a machine to its end with `fetch`: sends what it asks, waits what it says.
 * Answers longer than `maxResponseBytes` count as failures after sending.
 */
async function drive(machine, fetchImpl = globalThis.fetch, { maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES } = {}) {
  for (;;) {
    const step = machine.poll();
    if (step.step === 'send') {
      const { request } = step;
      const headers = { ...request.headers };
      delete headers['content-length'];
      try {
        const response = await fetchImpl(request.url, {
          method: request.method,
          headers,
          body: request.body,
          signal: AbortSignal.timeout(Math.max(1, step.timeout_ms)),
        });
        const body = await readLimited(response, maxResponseBytes);
        machine.receiveResponse(response.status, body);
      } catch (error) {
        if (error instanceof FeennexError) throw error;
        machine.receiveFailure(!notSent(error), describe(error));
      }
    } else if (step.step === 'wait') {
      await sleep(step.ms);
    } else if (step.step === 'done') {
      return step.value;
    } else {
      throw new FeennexError(step.error);
    }
  }
}

/**
 * A client on the built-in `fetch`. Every method returns a Promise; reads and
 * precalculations are retried as the core decides, and `payout` (with
 * `transfer`/`withdraw`) makes a payout exactly once.
 */
class Client {
  constructor(options = {}) {
    this.merchant = new Merchant(options);
    this._fetch = options.fetch ?? globalThis.fetch;
    this._limits = { maxResponseBytes: this.merchant.maxResponseBytes };
  }

  /** One operation (not a payout create) with the core's retries. */
  async call(operation, params) {
    if (OPERATIONS.includes(operation) && isPayout(operation)) {
      throw invalid('operation', `${operation} is a payout: use payout(), which makes it exactly once`);
    }
    return drive(this.merchant.machine(operation, params), this._fetch, this._limits);
  }

  /**
   * A payout (`transfer/create` or `withdraw/create`) made exactly once: when the
   * outcome is unknown the core asks its status by `shop_payment_id` and adopts
   * what it finds, if it is proven this request's. Resolves to `{record, summary,
   * creates_sent, status_checks, reconciled, preexisting}`; rejects with a final
   * API error (nothing paid), with kind `conflict` (a payout under the id differs:
   * `field` names what) or `unverified` (one matches, but existed before this call:
   * nothing shows it is this request's), or with kind `payout_unresolved` (ask
   * again later with `resumePayout`, same id).
   */
  async payout(operation, params) {
    if (!isPayout(operation)) throw invalid('operation', `${operation} is not a payout create`);
    return drive(this.merchant.machine(operation, params), this._fetch, this._limits);
  }

  /**
   * A payout whose earlier run ended unresolved: looked up first, created only
   * after "not found". Resuming says the id is yours, created with these details:
   * a payout found under it that matches is adopted.
   */
  async resumePayout(operation, params) {
    if (!isPayout(operation)) throw invalid('operation', `${operation} is not a payout create`);
    return drive(this.merchant.machine(operation, params, { resume: true }), this._fetch, this._limits);
  }

  transferTry(params) { return this.call('transfer/try', params); }
  transfer(params) { return this.payout('transfer/create', params); }
  transferStatus(params) { return this.call('transfer/shop_payment_status', params); }
  billCreate(params) { return this.call('bill/create', params); }
  billStatus(params) { return this.call('bill/shop_order_status', params); }
  invoiceTry(params) { return this.call('invoice/try', params); }
  invoiceCreate(params) { return this.call('invoice/create', params); }
  withdrawTry(params) { return this.call('withdraw/try', params); }
  checkAccount(params) { return this.call('check_account', params); }
  withdraw(params) { return this.payout('withdraw/create', params); }
  withdrawStatus(params) { return this.call('withdraw/status', params); }
  withdrawShopPaymentStatus(params) { return this.call('withdraw/shop_payment_status', params); }
  shopBalance(params = {}) { return this.call('shop_balance', params); }
}

function isPayout(operation) {
  return operation === 'transfer/create' || operation === 'withdraw/create';
}

module.exports = {
  CALLBACK_REPLY_OK,
  Client,
  DEFAULT_MAX_RESPONSE_BYTES,
  FAILURE_KINDS,
  FeennexError,
  Machine,
  Merchant,
  OPERATIONS,
  Signer,
  amountText,
  drive,
  parseResponse,
  sign,
  stringToSign,
  verifyCallback,
  withdrawStatusIsFinal,
};

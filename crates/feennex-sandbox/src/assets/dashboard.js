// The sandbox's dashboard: reads /_sandbox/state, draws it, and reads it again
// whenever /_sandbox/events says something changed. Every action is a call to
// the sandbox's JSON routes; every text from the sandbox is set as text, never
// as markup.
"use strict";

const FAULT_KINDS = ["drop-before", "drop-after", "http-502", "garbage", "truncate", "delay"];
const FAULT_DEFAULT = 0.1;

const $ = (selector) => document.querySelector(selector);

// ---- small DOM helpers ----------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function cell(value, className) {
  return el("td", { class: className }, value);
}

// An amount exactly as the sandbox wrote it (the shortest text of the number,
// which is the server's own), with at least two decimals.
function money(amount) {
  const text = String(amount);
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text;
  const [whole, fraction = ""] = text.split(".");
  return `${whole}.${fraction.padEnd(2, "0")}`;
}

const LETTERS = { 840: "USD", 978: "EUR", 643: "RUB", 980: "UAH", 398: "KZT", 826: "GBP" };
function currency(code) {
  return LETTERS[code] ? `${LETTERS[code]} (${code})` : String(code);
}

// A moment for people, in UTC: "2026-04-12 06:18:34" (with milliseconds when
// asked); text that is not a date is shown as it is.
function when(text, withMilliseconds = false) {
  const moment = new Date(text);
  if (Number.isNaN(moment.getTime())) return String(text);
  const iso = moment.toISOString().replace("T", " ");
  return withMilliseconds ? iso.slice(0, 23) : iso.slice(0, 19);
}

function statusBadge(text, tone) {
  return el("span", { class: `status ${tone}` }, text);
}

function paymentTone(payment) {
  if (payment.waiting) return "wait";
  return /^(Paid|Success)$/.test(payment.status_name) ? "ok" : "bad";
}

function withdrawalTone(withdrawal) {
  if (withdrawal.status === 5) return "ok";
  if (withdrawal.status === 6 || withdrawal.status === 8) return "bad";
  return "wait";
}

// The ids a row can be found by, in lower case.
function searchText(...ids) {
  return ids.filter((id) => id !== null && id !== undefined).join(" ").toLowerCase();
}

function replaceRows(table, rows, emptyText) {
  const body = $(`#${table} tbody`);
  const columns = $(`#${table} thead tr`).children.length;
  body.replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { class: "empty", colspan: columns }, emptyText))]),
  );
}

// ---- calls to the sandbox -------------------------------------------------

async function post(path, body) {
  const answer = await fetch(path, {
    method: "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!answer.ok) {
    let message = `${answer.status}`;
    try {
      message = (await answer.json()).error || message;
    } catch (_) {
      // not JSON: keep the status
    }
    throw new Error(message);
  }
  return answer.json();
}

function actionButton(label, path, title) {
  return el(
    "button",
    {
      type: "button",
      title,
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        try {
          await post(path);
        } catch (error) {
          button.disabled = false;
          alert(`${label}: ${error.message}`);
        }
      },
    },
    label,
  );
}

// ---- drawing ----------------------------------------------------------------

function drawBalances(state) {
  const rows = state.balances.map((balance) =>
    el(
      "tr",
      { "data-search": searchText(balance.shop_id) },
      cell(balance.shop_id),
      cell(currency(balance.currency)),
      cell(money(balance.available), "num"),
      cell(money(balance.frozen), "num"),
      cell(money(balance.hold), "num"),
    ),
  );
  replaceRows("balances", rows, "No balances");
}

function drawPayments(state) {
  const rows = state.payments
    .slice()
    .reverse()
    .map((payment) => {
      const key = `${payment.kind}/${payment.id}`;
      const actions = payment.waiting
        ? [
            actionButton("Complete", `/_sandbox/payments/${key}/complete`, "The payer pays"),
            actionButton("Reject", `/_sandbox/payments/${key}/reject`, "The payment fails"),
          ]
        : [];
      actions.push(el("a", { href: payment.payer_page, target: "_blank", rel: "noopener" }, "Payer page"));
      return el(
        "tr",
        {
          "data-payment": key,
          "data-search": searchText(payment.id, payment.shop_order_id, payment.kind, payment.payway),
        },
        cell(payment.kind),
        cell(payment.id),
        cell(payment.shop_id),
        cell(payment.shop_order_id),
        cell(`${money(payment.shop_amount)} ${currency(payment.shop_currency)}`, "num"),
        cell(`${money(payment.payer_price)} ${currency(payment.payer_currency)}`, "num"),
        cell(payment.payway),
        el("td", {}, statusBadge(payment.status_name, paymentTone(payment))),
        el("td", { title: payment.created }, when(payment.created)),
        el("td", {}, el("div", { class: "row-actions" }, actions)),
      );
    });
  $("#payments-count").textContent = state.payments.length ? `(${state.payments.length})` : "";
  replaceRows("payments", rows, "No bills or invoices yet");
}

function drawCallbacks(state) {
  const byPayment = new Map();
  for (const attempt of state.callbacks) {
    const key = `${attempt.kind}/${attempt.payment_id}`;
    if (!byPayment.has(key)) byPayment.set(key, []);
    byPayment.get(key).push(attempt);
  }
  const payments = new Map(state.payments.map((payment) => [`${payment.kind}/${payment.id}`, payment]));
  const cards = [...byPayment.entries()].reverse().map(([key, attempts]) => {
    const payment = payments.get(key) || {};
    const delivered = attempts.some((attempt) => attempt.delivered);
    const rows = attempts.map((attempt) =>
      el(
        "tr",
        {},
        cell(attempt.delivery),
        cell(attempt.attempt),
        el("td", { title: attempt.sent_at }, when(attempt.sent_at, true)),
        cell(attempt.http_status === null ? "—" : attempt.http_status),
        el("td", { class: "answer", title: attempt.answer ?? attempt.error ?? "" }, attempt.answer ?? attempt.error ?? ""),
        cell(`${attempt.elapsed_ms} ms`, "num"),
        el("td", {}, statusBadge(attempt.delivered ? "delivered" : "failed", attempt.delivered ? "ok" : "bad")),
      ),
    );
    return el(
      "article",
      {
        class: "callback",
        "data-callback": key,
        "data-search": searchText(payment.id, payment.shop_order_id, key),
      },
      el(
        "header",
        {},
        el("strong", {}, `${key.replace("/", " ")}`),
        el("span", {}, `order ${payment.shop_order_id ?? "?"}`),
        el("span", { class: "url" }, attempts[0].url),
        statusBadge(`status ${attempts[0].fields.status}`, attempts[0].fields.status === "success" ? "ok" : "bad"),
        delivered ? statusBadge("answered OK", "ok") : null,
        el("span", { class: "grow" }),
        actionButton("Resend", `/_sandbox/callbacks/${key}/resend`, "Deliver this callback again"),
      ),
      el(
        "div",
        { class: "scroll" },
        el(
          "table",
          {},
          el(
            "thead",
            {},
            el("tr", {}, ["Delivery", "Attempt", "Sent (UTC)", "HTTP", "Answer", "Took", ""].map((name) => el("th", {}, name))),
          ),
          el("tbody", {}, rows),
        ),
      ),
    );
  });
  $("#callbacks-count").textContent = state.callbacks.length ? `(${state.callbacks.length} attempts)` : "";
  $("#callbacks").replaceChildren(...(cards.length ? cards : [el("p", { class: "empty" }, "No callbacks yet")]));
}

function drawTransfers(state) {
  const rows = state.transfers
    .slice()
    .reverse()
    .map((transfer) =>
      el(
        "tr",
        { "data-search": searchText(transfer.id, transfer.shop_payment_id, transfer.payee_account) },
        cell(transfer.id),
        cell(transfer.shop_id),
        cell(transfer.shop_payment_id),
        cell(transfer.payee_account),
        cell(`${money(transfer.payee_amount)} ${currency(transfer.payee_currency)}`, "num"),
        cell(`${money(transfer.write_off_amount)} ${currency(transfer.shop_currency)}`, "num"),
        cell(transfer.description ?? ""),
      ),
    );
  $("#transfers-count").textContent = state.transfers.length ? `(${state.transfers.length})` : "";
  replaceRows("transfers", rows, "No wallet transfers yet");
}

function drawWithdrawals(state) {
  const rows = state.withdrawals
    .slice()
    .reverse()
    .map((withdrawal) =>
      el(
        "tr",
        { "data-search": searchText(withdrawal.id, withdrawal.shop_payment_id, withdrawal.account) },
        cell(withdrawal.id),
        cell(withdrawal.shop_id),
        cell(withdrawal.shop_payment_id),
        cell(withdrawal.account),
        cell(withdrawal.payway),
        cell(`${money(withdrawal.payee_receive)} ${currency(withdrawal.ps_currency)}`, "num"),
        cell(`${money(withdrawal.shop_write_off)} ${currency(withdrawal.shop_currency)}`, "num"),
        el("td", {}, statusBadge(withdrawal.status_name, withdrawalTone(withdrawal))),
      ),
    );
  $("#withdrawals-count").textContent = state.withdrawals.length ? `(${state.withdrawals.length})` : "";
  replaceRows("withdrawals", rows, "No withdrawals yet");
}

// The fault controls are built once; later states only update them, and never
// the one being edited.
function buildFaults() {
  const form = $("#faults");
  for (const kind of FAULT_KINDS) {
    form.append(
      el(
        "label",
        { class: "fault", "data-fault": kind },
        el("input", { type: "checkbox", name: kind, "aria-label": `${kind} on` }),
        el("span", {}, kind),
        el("input", { type: "number", min: "0", max: "1", step: "0.05", name: `${kind}-p`, "aria-label": `${kind} probability` }),
        el("span", { class: "injected" }),
      ),
    );
  }
  form.addEventListener("change", sendFaults);
  $("#fault-seed").addEventListener("change", sendFaults);
  $("#fault-delay").addEventListener("change", sendFaults);
}

async function sendFaults() {
  const probabilities = {};
  for (const kind of FAULT_KINDS) {
    const on = $(`#faults input[name="${kind}"]`);
    const input = $(`#faults input[name="${kind}-p"]`);
    if (on.checked) {
      const value = Number(input.value) || FAULT_DEFAULT;
      input.value = value;
      probabilities[kind] = value;
    }
  }
  const settings = { probabilities };
  if ($("#fault-seed").value !== "") settings.seed = Number($("#fault-seed").value);
  if ($("#fault-delay").value !== "") settings.delay_ms = Number($("#fault-delay").value);
  try {
    await post("/_sandbox/faults", settings);
    $("#faults-error").textContent = "";
  } catch (error) {
    $("#faults-error").textContent = error.message;
  }
}

function drawFaults(state) {
  const faults = state.faults;
  let injected = 0;
  for (const kind of FAULT_KINDS) {
    const probability = faults.probabilities[kind] || 0;
    const on = $(`#faults input[name="${kind}"]`);
    const input = $(`#faults input[name="${kind}-p"]`);
    if (document.activeElement !== on) on.checked = probability > 0;
    if (document.activeElement !== input) input.value = probability > 0 ? probability : "";
    const count = faults.injected[kind] || 0;
    injected += count;
    $(`[data-fault="${kind}"] .injected`).textContent = count ? `${count} injected` : "";
  }
  if (document.activeElement !== $("#fault-seed")) $("#fault-seed").value = faults.seed;
  if (document.activeElement !== $("#fault-delay")) $("#fault-delay").value = faults.delay_ms;
  $("#faults-total").textContent = injected ? `(${injected} injected)` : "";
}

function applySearch() {
  const words = $("#search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  for (const item of document.querySelectorAll("[data-search]")) {
    const text = item.dataset.search;
    item.classList.toggle("hidden", !words.every((word) => text.includes(word)));
  }
}

let shown = -1;

function draw(state) {
  if (state.revision < shown) return;
  shown = state.revision;
  document.body.dataset.revision = state.revision;
  $("#base-url").textContent = state.base_url;
  drawBalances(state);
  drawFaults(state);
  drawPayments(state);
  drawCallbacks(state);
  drawTransfers(state);
  drawWithdrawals(state);
  applySearch();
}

// ---- staying live -------------------------------------------------------------

let loading = false;
let again = false;

// Reads the state; changes that come while it is read make one more read.
async function load() {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  try {
    do {
      again = false;
      const answer = await fetch("/_sandbox/state", { cache: "no-store" });
      draw(await answer.json());
    } while (again);
  } catch (error) {
    setLive("offline", `offline (${error.message})`);
  } finally {
    loading = false;
  }
}

function setLive(state, text) {
  const live = $("#live");
  live.dataset.state = state;
  live.textContent = text;
}

function connect() {
  const events = new EventSource("/_sandbox/events");
  events.addEventListener("open", () => setLive("live", "live"));
  events.addEventListener("change", load);
  // The browser reconnects by itself; the first event after that reloads.
  events.addEventListener("error", () => setLive("offline", "reconnecting"));
}

function toggleTheme() {
  const root = document.documentElement;
  const dark = root.dataset.theme
    ? root.dataset.theme === "dark"
    : window.matchMedia("(prefers-color-scheme: dark)").matches;
  root.dataset.theme = dark ? "light" : "dark";
  localStorage.setItem("feennex-theme", root.dataset.theme);
}

buildFaults();
$("#search").addEventListener("input", applySearch);
$("#theme").addEventListener("click", toggleTheme);
connect();
load();

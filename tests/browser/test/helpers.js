'use strict';
// What the browser tests run against: the `feennex` binary's sandbox, a small shop
// of the kind people build (its pay forms made by `feennex pay-url`, its callback
// endpoint checking the signature and the sender), and headless Chromium.

const { spawn, execFile } = require('node:child_process');
const { createHash } = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const readline = require('node:readline');

const { chromium } = require('playwright-core');

const REPO = path.resolve(__dirname, '../../..');
const BINARY = process.env.FEENNEX_BIN ?? path.join(REPO, 'target/debug/feennex');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOP_ID = 6;
const SECRET = 'browser-test-secret';
/** The address the sandbox sends callbacks from, and the only one the shop allows. */
const CALLBACK_FROM = '127.0.0.2';

/** Starts a sandbox on a free port; resolves to `{baseUrl, dashboardUrl, admin, stop}`. */
async function startSandbox(extraArgs = []) {
  const args = ['sandbox', '--listen', '127.0.0.1:0', '--shop', `${SHOP_ID}:${SECRET}`,
    '--callback-from', CALLBACK_FROM, ...extraArgs];
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const { baseUrl, dashboardUrl } = await new Promise((resolve, reject) => {
    const seen = {};
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
    lines.on('line', (line) => {
      const listening = /^listening on (\S+)/.exec(line);
      const dashboard = /^dashboard: (\S+)/.exec(line);
      if (listening) seen.baseUrl = listening[1];
      if (dashboard) resolve({ ...seen, dashboardUrl: dashboard[1] });
    });
  });
  child.removeAllListeners('exit');
  const admin = {
    async get(route) {
      const answer = await fetch(`${baseUrl}/_sandbox/${route}`);
      if (!answer.ok) throw new Error(`${route}: HTTP ${answer.status}`);
      return answer.json();
    },
  };
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return { baseUrl, dashboardUrl, admin, stop };
}

/** Runs the `feennex` command against a sandbox as the shop; resolves to its output. */
function feennex(baseUrl, args) {
  const env = { ...process.env, FEENNEX_BASE_URL: baseUrl, FEENNEX_SHOP_ID: String(SHOP_ID),
    FEENNEX_SECRET_KEY: SECRET, FEENNEX_PAY_HOST: baseUrl };
  return new Promise((resolve) => {
    execFile(BINARY, args, { env }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

/** The signature of a callback's fields, computed here from the spec (not by the SDK). */
function callbackSignature(fields) {
  const signed = Object.keys(fields)
    .filter((name) => name !== 'sign' && fields[name] !== '')
    .sort()
    .map((name) => fields[name]);
  return createHash('sha256').update(signed.join(':') + SECRET, 'utf8').digest('hex');
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * A shop: `/product?order=ID` offers the order by link and by form (both made by
 * `feennex pay-url`), `/invoice?order=ID` sends the payer on as `invoice/create`
 * answers, `/callback` accepts callbacks only from CALLBACK_FROM with a valid
 * signature, `/success` and `/failed` are where payers come back.
 */
async function startShop(sandboxUrl) {
  const callbacks = [];
  const waiting = [];
  let url;
  const page = (title, body) => `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  const send = (response, status, type, text) => {
    response.writeHead(status, { 'content-type': type });
    response.end(text);
  };
  const handlers = {
    async '/product'(query, response) {
      const order = query.get('order');
      const made = await feennex(sandboxUrl, ['pay-url', '--amount', '1500.00', '--currency', 'RUB',
        '--shop-order-id', order, '--description', `Tea set ${order}`,
        '--success-url', `${url}/success?order=${order}`, '--failed-url', `${url}/failed?order=${order}`,
        '--callback-url', `${url}/callback`]);
      if (made.code !== 0) return send(response, 500, 'text/plain', made.stderr);
      const link = new URL(made.stdout.trim());
      const hidden = [...link.searchParams].map(([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
      send(response, 200, 'text/html', page(`Order ${order}`,
        `<p><a id="pay-link" href="${escapeHtml(link.href)}">Pay by link</a></p>` +
        `<form id="pay-form" method="post" action="${escapeHtml(link.origin + link.pathname)}">${hidden}` +
        '<button type="submit">Pay by form</button></form>'));
    },
    async '/invoice'(query, response) {
      const order = query.get('order');
      const made = await feennex(sandboxUrl, ['invoice', 'create', '--amount', '700', '--currency', 'RUB',
        '--payway', 'card_rub', '--shop-order-id', order, '--success-url', `${url}/success?order=${order}`,
        '--callback-url', `${url}/callback`]);
      if (made.code !== 0) return send(response, 500, 'text/plain', made.stderr);
      const answer = JSON.parse(made.stdout);
      const fields = Object.entries(answer.data).map(([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
      // As shops do: a form with the answer's method, sent on by itself.
      send(response, 200, 'text/html', page('Redirecting to payment',
        `<form id="go" method="${escapeHtml(answer.method)}" action="${escapeHtml(answer.url)}">${fields}</form>` +
        '<script>document.getElementById("go").submit()</script>'));
    },
    async '/callback'(query, response, request) {
      const body = await readBody(request);
      const fields = Object.fromEntries(new URLSearchParams(body));
      const from = request.socket.remoteAddress.replace(/^::ffff:/, '');
      const accepted = from === CALLBACK_FROM && fields.sign === callbackSignature(fields);
      const callback = { fields, from, accepted };
      callbacks.push(callback);
      waiting.splice(0).forEach((wake) => wake());
      if (!accepted) return send(response, 403, 'text/plain', 'refused');
      send(response, 200, 'text/plain', 'OK');
    },
    async '/success'(query, response) {
      send(response, 200, 'text/html', page('Thank you', `<p id="result">Order ${escapeHtml(query.get('order'))} is being paid.</p>`));
    },
    async '/failed'(query, response) {
      send(response, 200, 'text/html', page('Payment failed', `<p id="result">Order ${escapeHtml(query.get('order'))} was not paid.</p>`));
    },
  };
  const server = http.createServer((request, response) => {
    const target = new URL(request.url, url);
    const handler = handlers[target.pathname];
    if (!handler) return send(response, 404, 'text/plain', 'not found');
    handler(target.searchParams, response, request).catch((error) => send(response, 500, 'text/plain', String(error)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}`;

  /** Resolves to the callbacks of an order once `count` have come (60 s at most). */
  async function callbacksOf(order, count = 1) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = callbacks.filter((callback) => callback.fields.shop_order_id === order);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`${found.length} callbacks of ${order}, not ${count}`);
      await new Promise((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 500);
      });
    }
  }
  const stop = () => new Promise((resolve) => server.close(resolve));
  return { get url() { return url; }, callbacks, callbacksOf, stop };
}

/** Headless Chromium, Debian's, with a fresh profile. */
function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Waits until `check` is true about the sandbox (a predicate over a fetched route). */
async function eventually(check, what) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

module.exports = { CALLBACK_FROM, SHOP_ID, callbackSignature, eventually, feennex, launchBrowser, startSandbox, startShop };

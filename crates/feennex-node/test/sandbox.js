'use strict';
// A sandbox of our own per test file: the `feennex` binary on a free loopback port.
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const REPO = path.resolve(__dirname, '../../..');
const BINARY = process.env.FEENNEX_BIN ?? path.join(REPO, 'target/debug/feennex');
const SHOP_ID = 6;
const SECRET = 'node-test-secret';

/** Starts a sandbox; resolves to `{baseUrl, stop, admin}` once it listens. */
async function startSandbox(extraArgs = []) {
  const child = spawn(BINARY, ['sandbox', '--listen', '127.0.0.1:0', '--shop', `${SHOP_ID}:${SECRET}`, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^listening on (\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
  });
  child.removeAllListeners('exit');
  const admin = {
    async get(route) {
      const response = await fetch(`${baseUrl}/_sandbox/${route}`);
      return response.json();
    },
    async post(route, body) {
      const response = await fetch(`${baseUrl}/_sandbox/${route}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
      });
      if (!response.ok) throw new Error(`${route}: HTTP ${response.status} ${await response.text()}`);
      return response.text();
    },
  };
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return { baseUrl, admin, stop };
}

module.exports = { REPO, SECRET, SHOP_ID, startSandbox };

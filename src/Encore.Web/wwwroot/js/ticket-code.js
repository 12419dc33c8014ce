// The ticket page's live code (docs/tickets.md, "Rotating display mode"): when the event requires
// rotating codes, fetch the next code as its step ends and swap the QR and its text. Static codes
// never change, so the module does nothing for them. Failures are said in the polite status line.
const root = document.querySelector('[data-ticket-code]');
if (root && root.dataset.rotating === 'true') {
  const qr = root.querySelector('[data-qr]');
  const text = root.querySelector('[data-code-text]');
  const status = root.querySelector('[data-code-status]');
  let failures = 0;

  const schedule = (seconds) => setTimeout(refresh, Math.max(1, seconds) * 1000);

  async function refresh() {
    try {
      const response = await fetch(root.dataset.endpoint, { credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (!response.ok) throw new Error(String(response.status));
      const code = await response.json();
      qr.innerHTML = code.svg;
      text.textContent = code.code;
      if (failures > 0) status.textContent = 'The code is live again.';
      failures = 0;
      const next = code.refreshAt ? (Date.parse(code.refreshAt) - Date.now()) / 1000 : 15;
      // The device's clock may be off: never wait longer than a step, never spin.
      schedule(Math.min(15, Math.max(1, next)));
    } catch {
      failures++;
      if (failures === 1) status.textContent = 'Could not refresh the code: check your connection. The code on screen stops working within half a minute.';
      schedule(Math.min(15, 2 * failures));
    }
  }

  schedule(Number(root.dataset.refreshIn) || 15);
}

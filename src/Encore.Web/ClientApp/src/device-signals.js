// Device signals (docs/bot-defense.md): the open-source FingerprintJS visitor id and BotD's verdict,
// posted once per browser session to /api/bot-defense/signals. Both libraries run with monitoring
// off, so nothing is requested from any other host. Pages that want the report before they act
// (the proof-of-work field) wait on window.encoreDeviceSignals.
import FingerprintJS from '@fingerprintjs/fingerprintjs';
import { load as loadBotd } from '@fingerprintjs/botd';

const SESSION_KEY = 'encore.device-signals';

async function report() {
  if (sessionStorage.getItem(SESSION_KEY)) return;
  const [fp, botd] = await Promise.all([FingerprintJS.load({ monitoring: false }), loadBotd({ monitoring: false })]);
  const [visitor, bot] = await Promise.all([fp.get(), Promise.resolve(botd.detect())]);
  const response = await fetch('/api/bot-defense/signals', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      visitorId: visitor.visitorId,
      bot: bot.bot === true,
      botKind: bot.bot ? String(bot.botKind || '').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || null : null,
      webdriver: navigator.webdriver === true,
    }),
  });
  if (response.ok) sessionStorage.setItem(SESSION_KEY, '1');
}

// Never longer than a few seconds: a blocked script must not hold a page's form hostage.
window.encoreDeviceSignals = Promise.race([
  report().catch(() => {}),
  new Promise((resolve) => setTimeout(resolve, 3000)),
]);

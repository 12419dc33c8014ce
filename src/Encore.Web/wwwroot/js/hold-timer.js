// The hold page's countdown (WCAG 2.2.1): the time left, ticking each second; a polite
// announcement and a visible warning before the hold ends, while it can still be extended; and,
// when the time is up, a plain statement that it ended with a way to start again. The server
// gives the time left (not the expiry), so a wrong clock on the buyer's device does not matter.

const root = document.querySelector('[data-hold-timer]');
if (root) start(root);

function start(root) {
    const deadline = Date.now() + (Number(root.dataset.remainingMs) || 0);
    const warnAt = Number(root.dataset.warnMs) || 120000;
    const countdown = root.querySelector('[data-countdown]');
    const announcer = root.querySelector('[data-hold-announcer]');
    const warning = root.querySelector('[data-hold-warning]');
    const expired = root.querySelector('[data-hold-expired]');
    const actions = root.querySelector('[data-hold-actions]');
    const live = root.querySelector('[data-hold-live]');
    let warned = false;
    let timer = 0;

    const format = ms => {
        const seconds = Math.max(0, Math.ceil(ms / 1000));
        return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    };

    function tick() {
        const left = deadline - Date.now();
        if (countdown) countdown.textContent = format(left);
        if (left <= 0) {
            window.clearInterval(timer);
            if (live) live.hidden = true;
            if (actions) actions.hidden = true;
            if (expired) {
                expired.hidden = false;
                if (announcer) announcer.textContent = 'Your hold has ended and the tickets were released. You can choose tickets again.';
            }
            return;
        }
        if (!warned && left <= warnAt) {
            warned = true;
            if (warning) {
                warning.hidden = false;
                if (announcer) announcer.textContent = warning.textContent.trim();
            }
        }
    }

    tick();
    timer = window.setInterval(tick, 1000);
}

// The waiting-room page. A live line (a WebSocket, or Server-Sent Events where WebSockets do not
// get through) brings the serving counter; the page knows the buyer's own number, so it works out
// position, people ahead and wait itself. Staying connected is the check-in that keeps the place.
// Screen readers hear only meaningful changes: the state, and the position crossing a milestone.
// When the counter reaches the buyer, the status endpoint issues the admission (a cookie) and the
// page moves on to seat selection. The place is kept server-side, so a reconnect simply resumes.

// Declared before start() runs: a const used earlier in the module is in its temporal dead zone,
// which threw on every waiting page and left it without a live line.
const milestones = [100000, 50000, 10000, 5000, 1000, 500, 100, 50, 20, 10, 5, 3, 2, 1];

const root = document.querySelector('[data-waiting-room]');
if (root) start(root);

function start(root) {
    const eventId = root.dataset.waitingRoom;
    const eventUrl = root.dataset.eventUrl;
    const secondsPerPlace = Number(root.dataset.secondsPerPlace || '0');
    let number = root.dataset.number ? Number(root.dataset.number) : null;
    let serving = Number(root.dataset.serving || '0');
    let state = root.dataset.state;
    let milestone = milestoneOf(position());
    let moving = false;
    let failures = 0;
    let useEvents = !('WebSocket' in window);

    const field = (name) => root.querySelector(`[data-field="${name}"]`);
    const say = (text) => { const region = root.querySelector('[data-announce]'); if (region) region.textContent = text; };

    function position() {
        return number === null ? null : Math.max(1, number - serving);
    }

    function milestoneOf(place) {
        if (place === null) return null;
        return milestones.find((m) => place >= m) ?? 1;
    }

    function wait(ahead) {
        const seconds = Math.ceil(ahead * secondsPerPlace);
        if (seconds < 60) return 'less than a minute';
        if (seconds < 3600) return `about ${Math.ceil(seconds / 60)} min`;
        return `about ${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
    }

    function render() {
        const place = position();
        if (state === 'waiting' && place !== null) {
            field('position').textContent = place.toLocaleString();
            field('ahead').textContent = (place - 1).toLocaleString();
            field('wait').textContent = wait(place - 1);
            const next = milestoneOf(place);
            if (milestone !== null && next < milestone) {
                say(place === 1 ? 'You are next.' : `You are now number ${place.toLocaleString()} in the queue.`);
            }
            milestone = next;
        }
    }

    async function checkTurn() {
        if (moving) return;
        const response = await fetch(`/api/waiting-room/${eventId}/status`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (!response.ok) return;
        apply(await response.json());
    }

    function apply(status) {
        const before = state;
        number = status.number ?? null;
        serving = status.serving ?? serving;
        state = status.state;
        if (state !== before) {
            field('state').textContent = {
                admitted: 'It is your turn',
                expired: 'Your place expired. Join again to queue at the end.',
                left: 'You left the queue',
                closed: 'The queue is closed',
            }[state] ?? 'Waiting';
            if (state === 'waiting' && milestone === null) milestone = milestoneOf(position());
        }
        if (state === 'admitted') {
            moving = true;
            say('It is your turn. Taking you to seat selection.');
            window.location.assign(eventUrl);
            return;
        }
        if (state !== before && state !== 'waiting') say(field('state').textContent);
        render();
    }

    function onFrame(text) {
        let frame;
        try { frame = JSON.parse(text); } catch { return; }
        if (frame.type === 'status' && frame.status) {
            apply(frame.status);
        } else if (frame.type === 'counter') {
            serving = Math.max(serving, frame.serving);
            render();
            if (state === 'waiting' && number !== null && number <= serving) checkTurn();
        }
    }

    function connected() {
        failures = 0;
        // Which line is live ("websocket" or "events"): for support, and for the browser tests.
        root.dataset.transport = useEvents ? 'events' : 'websocket';
        const note = root.querySelector('[data-connection]');
        if (note) note.dataset.live = 'true';
    }

    function retryLater() {
        if (moving) return;
        failures += 1;
        // After two WebSocket failures in a row, Server-Sent Events instead (some proxies block WebSockets).
        if (failures >= 2) useEvents = true;
        setTimeout(connect, Math.min(30000, 1000 * 2 ** Math.min(failures, 5)));
    }

    function connect() {
        if (useEvents) {
            const source = new EventSource(`/api/waiting-room/${eventId}/events`);
            source.onopen = connected;
            source.onmessage = (e) => onFrame(e.data);
            // EventSource reconnects by itself; the server-side place makes that a resume.
            return;
        }
        const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
        const socket = new WebSocket(`${scheme}://${window.location.host}/api/waiting-room/${eventId}/live`);
        socket.onopen = connected;
        socket.onmessage = (e) => onFrame(e.data);
        socket.onclose = retryLater;
    }

    if (state === 'admitted') {
        checkTurn();
    } else if (state === 'waiting') {
        connect();
    }
}

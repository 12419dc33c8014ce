// The event page's seat picker. Progressive enhancement of server-rendered markup:
// - the SVG map becomes a group of checkboxes with one tab stop (roving tabindex): arrow keys move
//   between seats and rows, Home/End to the ends of a row, Space/Enter select; clicks work too;
// - the map and the seat list (checkboxes named "seat" in form[data-seat-form]) stay in step: the
//   form is what gets submitted, the map only ticks its boxes (or hidden inputs for seats the
//   list's filters left out);
// - availability is live: server-sent events from /api/performances/{id}/availability/live carry
//   the seats whose state changed, with a version (ms) so a late message never undoes a newer one.
// Without script the page works as a form with the seat list.

const root = document.querySelector('[data-seat-picker]');
if (root) start(root);

function start(root) {
    const performance = root.dataset.performance;
    const currency = root.dataset.currency || 'GBP';
    const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    const svg = root.querySelector('.seatmap svg');
    const form = root.querySelector('form[data-seat-form]');
    const extra = form ? form.querySelector('[data-seat-extra]') : null;
    const announcer = root.querySelector('[data-seat-announcer]');
    const summary = root.querySelector('[data-seat-summary]');
    const seats = svg ? Array.from(svg.querySelectorAll('[data-seat]')) : [];
    const byId = new Map(seats.map(s => [s.dataset.seat, s]));
    const versions = new Map();
    let baseline = Number(root.dataset.asOf) || 0;
    let etag = root.dataset.etag || null;
    let changedSinceFetch = false;

    const say = text => {
        if (!announcer) return;
        // Cleared first, so saying the same words twice is still announced.
        announcer.textContent = '';
        window.setTimeout(() => { announcer.textContent = text; }, 50);
    };

    const optionFor = id => form ? form.querySelector(`input[type="checkbox"][name="seat"][value="${id}"]`) : null;
    const hiddenFor = id => extra ? extra.querySelector(`input[value="${id}"]`) : null;
    const isFree = seat => seat.dataset.state === 'free';
    const isSelected = id => {
        const option = optionFor(id);
        return option ? option.checked : !!hiddenFor(id);
    };

    function selection() {
        const ids = new Set();
        if (form) {
            form.querySelectorAll('input[name="seat"]').forEach(input => {
                if (input.type === 'hidden' || input.checked) ids.add(input.value);
            });
        }
        return ids;
    }

    function priceOf(id) {
        const seat = byId.get(id);
        if (seat) return Number(seat.dataset.price) || 0;
        const option = optionFor(id);
        return option ? Number(option.dataset.price) || 0 : 0;
    }

    function countText() {
        const ids = selection();
        if (ids.size === 0) return 'No seats selected.';
        let total = 0;
        ids.forEach(id => { total += priceOf(id); });
        return `${ids.size} ${ids.size === 1 ? 'seat' : 'seats'} selected, ${money.format(total / 100)} in total.`;
    }

    function paint(seat) {
        const id = seat.dataset.seat;
        const selected = isSelected(id);
        const free = isFree(seat);
        seat.setAttribute('class', `seat ${selected ? 'seat-selected' : free ? seat.dataset.base : 'seat-unavailable'}`);
        if (svg && svg.getAttribute('role') === 'group') {
            seat.setAttribute('aria-checked', selected ? 'true' : 'false');
            seat.setAttribute('aria-disabled', free ? 'false' : 'true');
            seat.setAttribute('aria-label', seat.dataset.name + (free ? '' : ', not available'));
        }
    }

    function setSelected(id, selected) {
        const option = optionFor(id);
        if (option) option.checked = selected;
        else if (extra) {
            const hidden = hiddenFor(id);
            if (selected && !hidden) {
                const input = document.createElement('input');
                input.type = 'hidden';
                input.name = 'seat';
                input.value = id;
                extra.appendChild(input);
            } else if (!selected && hidden) hidden.remove();
        }
        const seat = byId.get(id);
        if (seat) paint(seat);
        if (summary) summary.textContent = countText();
    }

    function toggle(seat) {
        if (!form) return;
        const id = seat.dataset.seat;
        if (!isFree(seat)) {
            say(`${seat.dataset.name} is not available.`);
            return;
        }
        const selected = !isSelected(id);
        setSelected(id, selected);
        say(`${seat.dataset.name} ${selected ? 'selected' : 'deselected'}. ${countText()}`);
    }

    // Seat state from the server: 'free' or 'taken'.
    function applyState(id, state) {
        const seat = byId.get(id);
        const option = optionFor(id);
        if (seat) seat.dataset.state = state;
        if (option) {
            option.disabled = state !== 'free';
            const status = option.parentElement.querySelector('[data-seat-status]');
            if (status) status.textContent = state === 'free' ? '' : ' (not available)';
        }
        if (state !== 'free' && isSelected(id)) {
            setSelected(id, false);
            say(`${seat ? seat.dataset.name : 'A seat you selected'} was just taken by someone else. ${countText()}`);
        }
        if (seat) paint(seat);
    }

    function applyStanding(section, held) {
        const out = root.querySelector(`[data-ga-remaining="${CSS.escape(section)}"]`);
        if (!out) return;
        const capacity = Number(out.dataset.capacity) || 0;
        out.textContent = Math.max(0, capacity - held).toLocaleString('en-GB');
    }

    function applyChange(change) {
        const v = Number(change.v) || 0;
        const apply = (ids, state) => (ids || []).forEach(id => {
            if (v <= Math.max(baseline, versions.get(id) || 0)) return;
            versions.set(id, v);
            applyState(id, state);
        });
        apply(change.held, 'taken');
        apply(change.blocked, 'taken');
        apply(change.free, 'free');
        if (change.gaHeld && v > baseline) {
            Object.entries(change.gaHeld).forEach(([section, held]) => {
                const key = 'ga:' + section;
                if (v <= (versions.get(key) || 0)) return;
                versions.set(key, v);
                applyStanding(section, Number(held) || 0);
            });
        }
        changedSinceFetch = true;
    }

    async function refetch() {
        const headers = { Accept: 'application/json' };
        // A 304 means "as you first had it", which is only true if no change was applied since.
        if (etag && !changedSinceFetch) headers['If-None-Match'] = etag;
        let response;
        try {
            response = await fetch(`/api/performances/${performance}/availability`, { headers, cache: 'no-cache', credentials: 'same-origin' });
        } catch {
            return;
        }
        if (response.status === 304 || !response.ok) return;
        const view = await response.json();
        etag = response.headers.get('ETag');
        const taken = new Set([...view.seats.held, ...view.seats.blocked, ...view.seats.notForSale]);
        baseline = Number(view.asOf) || baseline;
        versions.clear();
        changedSinceFetch = false;
        byId.forEach((seat, id) => applyState(id, taken.has(id) ? 'taken' : 'free'));
        if (form) {
            form.querySelectorAll('input[type="checkbox"][name="seat"]').forEach(option => {
                if (!byId.has(option.value)) applyState(option.value, taken.has(option.value) ? 'taken' : 'free');
            });
        }
        (view.generalAdmission || []).forEach(area => applyStanding(area.section, area.capacity - area.remaining));
    }

    function listen() {
        if (!('EventSource' in window)) return;
        const source = new EventSource(`/api/performances/${performance}/availability/live`);
        // Subscribed (first time or after a reconnect): anything published before is in a fresh read.
        source.addEventListener('ready', () => { refetch(); });
        source.addEventListener('refetch', () => { refetch(); });
        source.addEventListener('change', event => {
            try { applyChange(JSON.parse(event.data)); } catch { /* a malformed message is only a missed hint */ }
        });
    }

    // The map as a keyboard-operable group of checkboxes.
    if (svg && seats.length > 0) {
        const rows = [];
        seats.forEach(seat => {
            const r = Number(seat.dataset.row);
            (rows[r] = rows[r] || []).push(seat);
        });
        const rowList = rows.filter(Boolean);
        rowList.forEach((row, index) => row.forEach((seat, position) => {
            seat._row = index;
            seat._pos = position;
        }));
        const help = root.querySelector('[data-seat-help]');
        if (help) help.hidden = false;
        svg.setAttribute('role', 'group');
        svg.removeAttribute('focusable');
        if (help) svg.setAttribute('aria-describedby', help.id);
        seats.forEach(seat => {
            seat.setAttribute('role', 'checkbox');
            seat.setAttribute('tabindex', '-1');
            paint(seat);
        });
        let current = seats.find(isFree) || seats[0];
        current.setAttribute('tabindex', '0');

        const focus = seat => {
            if (!seat) return;
            current.setAttribute('tabindex', '-1');
            current = seat;
            current.setAttribute('tabindex', '0');
            current.focus();
        };
        const nearestIn = (row, x) => row.reduce((best, seat) =>
            Math.abs(Number(seat.getAttribute('cx')) - x) < Math.abs(Number(best.getAttribute('cx')) - x) ? seat : best, row[0]);

        svg.addEventListener('keydown', event => {
            const seat = event.target.closest('[data-seat]');
            if (!seat) return;
            const row = rowList[seat._row];
            const x = Number(seat.getAttribute('cx'));
            switch (event.key) {
                case 'ArrowRight': focus(row[seat._pos + 1]); break;
                case 'ArrowLeft': focus(row[seat._pos - 1]); break;
                case 'ArrowDown': if (rowList[seat._row + 1]) focus(nearestIn(rowList[seat._row + 1], x)); break;
                case 'ArrowUp': if (rowList[seat._row - 1]) focus(nearestIn(rowList[seat._row - 1], x)); break;
                case 'Home': focus(row[0]); break;
                case 'End': focus(row[row.length - 1]); break;
                case ' ':
                case 'Enter': toggle(seat); break;
                default: return;
            }
            event.preventDefault();
        });
        svg.addEventListener('click', event => {
            const seat = event.target.closest('[data-seat]');
            if (!seat) return;
            focus(seat);
            toggle(seat);
        });
    }

    if (form) {
        form.addEventListener('change', event => {
            const option = event.target.closest('input[type="checkbox"][name="seat"]');
            if (!option) return;
            const seat = byId.get(option.value);
            if (seat) paint(seat);
            if (summary) summary.textContent = countText();
        });
        if (summary) summary.textContent = countText();
    }

    listen();
}

// The organizer's on-sale dashboard: re-reads the queue's figures every five seconds. The figures
// change all the time, so nothing is announced to screen readers; the time of the last update is shown.
const root = document.querySelector('[data-on-sale]');
if (root) {
    const eventId = root.dataset.onSale;
    const names = { waiting: 'waiting', active: 'active', admitted: 'admitted', skipped: 'skipped', serving: 'serving', preQueueEntries: 'preQueueEntries' };
    async function refresh() {
        try {
            const response = await fetch(`/api/organizer/events/${eventId}/waiting-room`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
            if (!response.ok) return;
            const stats = (await response.json()).stats;
            for (const [key, name] of Object.entries(names)) {
                const cell = root.querySelector(`[data-stat="${name}"]`);
                if (cell && typeof stats[key] === 'number') cell.textContent = stats[key].toLocaleString();
            }
            const updated = root.querySelector('[data-stat-updated]');
            if (updated) updated.textContent = `at ${new Date().toLocaleTimeString()}`;
        } catch {
            // The next round tries again.
        }
    }
    setInterval(refresh, 5000);
}

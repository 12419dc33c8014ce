// The simulated gateway's card entry (PaymentMethodInput.razor): a typed test card number goes to the
// gateway's tokenization endpoint, never into the checkout form; the answer (a payment method token)
// becomes a chosen radio button named like the others, so the form posts only the token.
for (const root of document.querySelectorAll('[data-payment-method]')) {
    const entry = root.querySelector('[data-card-entry]');
    if (!entry) continue;
    entry.hidden = false;
    const input = entry.querySelector('[data-card-number]');
    const button = entry.querySelector('[data-tokenize]');
    const status = entry.querySelector('[data-card-status]');
    const options = root.querySelector('[data-payment-options]');

    async function tokenize() {
        const number = input.value.replace(/[\s-]/g, '');
        if (!/^[0-9]{12,19}$/.test(number)) {
            status.textContent = 'Type the 12 to 19 digits of a test card number.';
            input.setAttribute('aria-invalid', 'true');
            input.focus();
            return;
        }
        button.disabled = true;
        status.textContent = 'Checking the card…';
        try {
            const response = await fetch(button.dataset.endpoint, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
                body: JSON.stringify({ number }),
            });
            const body = await response.json().catch(() => ({}));
            if (!response.ok) {
                status.textContent = body.errors?.number?.[0] || body.detail || 'The gateway does not know this card.';
                input.setAttribute('aria-invalid', 'true');
                input.focus();
                return;
            }
            input.removeAttribute('aria-invalid');
            input.value = '';
            choose(body);
            status.textContent = `Card ending ${body.last4} chosen.`;
        } catch {
            status.textContent = 'The gateway could not be reached. Pick a card from the list instead.';
        } finally {
            button.disabled = false;
        }
    }

    function choose(card) {
        const id = `${button.dataset.idPrefix}-typed`;
        let radio = root.querySelector(`#${CSS.escape(id)}`);
        if (!radio) {
            const wrap = document.createElement('div');
            wrap.className = 'radio';
            radio = document.createElement('input');
            radio.type = 'radio';
            radio.id = id;
            radio.name = button.dataset.name;
            radio.required = true;
            const label = document.createElement('label');
            label.htmlFor = id;
            wrap.append(radio, label);
            options.append(wrap);
        }
        radio.value = card.id;
        radio.nextElementSibling.textContent = `Typed card (${card.brand}) •••• ${card.last4}`;
        radio.checked = true;
    }

    button.addEventListener('click', tokenize);
    input.addEventListener('keydown', (e) => {
        // Enter would submit the checkout form with the card not yet chosen.
        if (e.key === 'Enter') {
            e.preventDefault();
            tokenize();
        }
    });
}

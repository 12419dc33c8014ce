// Passkeys for the account pages. A form marked data-passkey="create | sign-in | second-factor"
// asks the server for WebAuthn options, lets the browser talk to the authenticator, puts the
// resulting credential (as JSON) in the form's hidden field and submits the form as usual; the
// page itself verifies it. The antiforgery token of the form goes with the options request.

const paths = {
    create: '/account/passkeys/creation-options',
    request: '/account/passkeys/request-options',
};

function say(form, message) {
    const status = form.querySelector('[data-passkey-status]');
    if (status) status.textContent = message;
}

async function fetchOptions(form, url, purpose) {
    const body = new FormData();
    const token = form.querySelector('input[name="__RequestVerificationToken"]');
    if (token) body.append('__RequestVerificationToken', token.value);
    if (purpose) body.append('purpose', purpose);
    const response = await fetch(url, { method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) {
        let detail = 'The server could not start the passkey request.';
        try {
            const problem = await response.json();
            detail = problem.detail || problem.title || detail;
        } catch {
            // Not problem+json; keep the general message.
        }
        throw new Error(detail);
    }
    return response.json();
}

async function credentialFor(form, mode) {
    if (mode === 'create') {
        const options = await fetchOptions(form, paths.create);
        return navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
    }
    const options = await fetchOptions(form, paths.request, mode === 'second-factor' ? 'second-factor' : 'sign-in');
    return navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
}

function explain(error) {
    if (error && error.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out. Try again when you are ready.';
    if (error && error.name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
    return (error && error.message) || 'Something went wrong with the passkey. Try again.';
}

const supported = typeof window.PublicKeyCredential === 'function'
    && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function';

for (const form of document.querySelectorAll('form[data-passkey]')) {
    const mode = form.dataset.passkey;
    const field = form.querySelector('[data-passkey-credential]');
    if (!supported) {
        say(form, 'This browser cannot use passkeys. Use an up-to-date browser, or sign in another way.');
        for (const button of form.querySelectorAll('button')) button.disabled = true;
        continue;
    }
    let busy = false;
    const start = async () => {
        if (busy) return;
        // The name of a new passkey is checked by the browser before the authenticator is asked.
        if (mode === 'create' && !form.reportValidity()) return;
        busy = true;
        say(form, mode === 'create' ? 'Follow your browser’s prompts to create the passkey…' : 'Follow your browser’s prompts to use your passkey…');
        try {
            const credential = await credentialFor(form, mode);
            field.value = JSON.stringify(credential);
            say(form, 'Checking the passkey…');
            // submit() does not fire this handler again.
            form.submit();
        } catch (error) {
            say(form, explain(error));
            busy = false;
        }
    };
    // Sign-in forms start from a plain button (their only field is the hidden credential);
    // the form that creates a passkey starts on submit, so Enter in its name field works too.
    form.addEventListener('submit', (event) => {
        event.preventDefault();
        start();
    });
    for (const button of form.querySelectorAll('button[data-passkey-start]')) button.addEventListener('click', start);
}

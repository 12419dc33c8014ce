// A strength meter for every <input data-strength-meter="ID">: ID names the element that shows
// the verdict. The server decides what is accepted (length, breached list); this only helps the
// visitor choose before submitting, so the page works the same without it.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

const labels = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'];

function attach(input) {
  const output = document.getElementById(input.dataset.strengthMeter);
  if (!output) return;
  const meter = output.querySelector('meter');
  const text = output.querySelector('[data-strength-text]');
  output.hidden = false;
  let timer = 0;
  let latest = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    // Waiting for a pause in typing keeps the polite live region from reading every keystroke.
    timer = setTimeout(async () => {
      const value = input.value;
      const run = ++latest;
      if (!value) {
        meter.value = 0;
        text.textContent = '';
        return;
      }
      const result = await zxcvbn.checkAsync(value, [input.form?.querySelector('input[type=email]')?.value ?? '']);
      if (run !== latest) return;
      meter.value = result.score;
      const hint = result.feedback.warning || result.feedback.suggestions[0] || '';
      text.textContent = `Password strength: ${labels[result.score]}.${hint ? ' ' + hint : ''}`;
    }, 400);
  });
}

document.querySelectorAll('input[data-strength-meter]').forEach(attach);

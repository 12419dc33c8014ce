// The scanner page's camera (docs/tickets.md, "Scanner page"): reads QR codes with jsQR from the
// camera, fills the code field and submits the same form a person types into. Without a camera or
// without script, the form alone works (posted to the page, which answers with the verdict). With
// script, scanner/gate.js takes the form over: the scan API while online, the device's own checks
// with the offline bundle when not, and the sync afterwards.
import jsQR from 'jsqr';
import { setUpGate } from './scanner/gate.js';

const root = document.querySelector('[data-scanner]');
if (root) {
  const announce = document.querySelector('[data-scan-announce]');
  const verdict = document.querySelector('[data-scan-verdict]');
  // Content present at load is not read out; set it a moment later so screen readers hear the verdict.
  if (announce && verdict) setTimeout(() => { announce.textContent = verdict.textContent.replace(/\s+/g, ' ').trim(); }, 150);

  const form = root.querySelector('[data-scanner-form]');
  const input = root.querySelector('[data-scanner-code]');
  const camera = root.querySelector('[data-scanner-camera]');
  const start = root.querySelector('[data-scanner-start]');
  const stop = root.querySelector('[data-scanner-stop]');
  const view = root.querySelector('[data-scanner-view]');
  let stream = null;
  let frame = 0;

  // Emptied first, so the same words twice in a row (two refusals alike) are said twice.
  const say = (text) => {
    if (!announce) return;
    announce.textContent = '';
    setTimeout(() => { announce.textContent = text; }, 50);
  };
  setUpGate(root, say);

  function halt() {
    cancelAnimationFrame(frame);
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    view.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia && camera) {
    camera.hidden = false;
    const video = document.createElement('video');
    video.muted = true;
    video.setAttribute('playsinline', '');
    const context = view.getContext('2d', { willReadFrequently: true });

    const tick = () => {
      if (!stream) return;
      if (video.readyState >= video.HAVE_ENOUGH_DATA) {
        view.width = video.videoWidth;
        view.height = video.videoHeight;
        context.drawImage(video, 0, 0, view.width, view.height);
        const image = context.getImageData(0, 0, view.width, view.height);
        const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
        if (found && found.data) {
          halt();
          input.value = found.data;
          say('Code read, checking.');
          form.requestSubmit();
          return;
        }
      }
      frame = requestAnimationFrame(tick);
    };

    start.addEventListener('click', async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        video.srcObject = stream;
        await video.play();
        view.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        stop.focus();
        say('Camera on: hold the ticket\'s code in view.');
        frame = requestAnimationFrame(tick);
      } catch {
        halt();
        say('The camera could not start. Type the code instead.');
        input.focus();
      }
    });
    stop.addEventListener('click', () => { halt(); say('Camera off.'); start.focus(); });
  }
}

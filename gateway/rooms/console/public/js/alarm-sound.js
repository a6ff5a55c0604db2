// The alarm tone (WebAudio), sounding while an alarm is raised and not acknowledged.
let ctx = null;
let timer = null;

function beep() {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'square';
  osc.frequency.value = 880;
  gain.gain.value = 0.15;
  osc.connect(gain).connect(ctx.destination);
  osc.start();
  osc.stop(ctx.currentTime + 0.35);
}

/** Starts or stops the tone; resolves false when the browser still blocks sound (a click enables it). */
export async function setAlarmSound(on) {
  document.body.dataset.sound = on ? 'on' : 'off';
  if (!on) {
    if (timer) clearInterval(timer);
    timer = null;
    return true;
  }
  ctx = ctx || new AudioContext();
  if (ctx.state === 'suspended') await ctx.resume().catch(() => undefined);
  if (!timer) {
    beep();
    timer = setInterval(beep, 1000);
  }
  return ctx.state === 'running';
}

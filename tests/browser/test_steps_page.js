// Opens the lesson page of `micrograd steps` in the system's headless Chromium
// (Debian's chromium package, never a downloaded browser) and walks it with the
// keyboard, the buttons and the slider; takes a screenshot of a projector-sized
// window. Usage: node test_steps_page.js MICROGRAD OUTDIR. Exit 77 (skip) when
// Chromium or node_modules are missing: tests/browser/setup installs both.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const CHROMIUM = process.env.MG_CHROMIUM || '/usr/bin/chromium';
const SKIP = 77;

function skip(why) {
  console.log(`1..0 # SKIP ${why}`);
  process.exit(SKIP);
}

if (process.argv.length < 4) {
  console.error('usage: node test_steps_page.js MICROGRAD OUTDIR');
  process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) skip(`${CHROMIUM} is missing (run tests/browser/setup)`);
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  skip('playwright-core is missing (run tests/browser/setup)');
}

const MICROGRAD = path.resolve(process.argv[2]);
const OUTDIR = path.resolve(process.argv[3]);
const NEURON = `# a neuron with two inputs: o = tanh(x1*w1 + x2*w2 + b)
x1 = 2.0
x2 = 0.0
w1 = -3.0
w2 = 1.0
b = 6.8813735870195432
x1w1 = x1*w1
x2w2 = x2*w2
x1w1x2w2 = x1w1 + x2w2
n = x1w1x2w2 + b
o = tanh(n)
`;

const results = [];
function check(cond, what) {
  results.push([Boolean(cond), what]);
  console.log(`${cond ? 'ok' : 'not ok'} ${results.length} - ${what}`);
}

async function visible(page) {
  return page.evaluate(() => {
    const shown = [...document.querySelectorAll('.frame')].filter((f) => !f.hidden);
    const caption = shown.length ? shown[0].querySelector('figcaption').innerText : '';
    return {
      count: shown.length,
      id: shown.length ? shown[0].id : '',
      caption: caption.replace(/\s+/g, ' ').trim(),
      counter: document.getElementById('counter').textContent,
      slider: document.getElementById('slider').value,
    };
  });
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-steps-browser-'));
  try {
    const source = path.join(work, 'neuron.mg');
    fs.writeFileSync(source, NEURON);
    const page_path = path.join(work, 'neuron.html');
    execFileSync(MICROGRAD, ['steps', source, '-o', page_path]);
    const text = execFileSync(MICROGRAD, ['steps', source, '--text'], { encoding: 'utf8' });
    // The page lays each "x.grad += ..." on its own line: compare as words.
    const captions = text.trimEnd().split('\n')
      .map((line) => line.replace(/^step-\d{3}: /, ''))
      .map((c) => (c.includes('.grad += ') ? c.replace(/; /g, ' ') : c));
    await drive(work, page_path, captions);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function drive(work, page_path, captions) {
  const n = captions.length;
  const context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 720 },
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const requests = [];
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith('file:') ? route.continue() : route.abort();
    });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('file://' + page_path);

    let v = await visible(page);
    check(n === 7, `the neuron has 7 frames (got ${n})`);
    check(v.count === 1 && v.id === 'step-1', `one frame shown, the first (${v.id})`);
    check(v.counter === `step 1 of ${n}`, `counter reads "step 1 of ${n}" (${v.counter})`);
    check(v.caption === captions[0], `caption 1 is the forward pass (${v.caption})`);
    check(await page.isDisabled('#prev'), 'Previous is disabled on the first frame');

    await page.keyboard.press('ArrowRight');
    v = await visible(page);
    check(v.counter === `step 2 of ${n}`, `→ advances the counter (${v.counter})`);
    check(v.caption === captions[1], `→ shows caption 2 (${v.caption})`);

    await page.click('#next');
    v = await visible(page);
    check(v.counter === `step 3 of ${n}` && v.slider === '2', `Next advances counter and slider (${v.counter})`);
    check(v.caption === captions[2] && v.caption.includes('(1 - o.data²) × o.grad'),
      `Next shows the tanh step (${v.caption})`);

    await page.keyboard.press('ArrowLeft');
    v = await visible(page);
    check(v.counter === `step 2 of ${n}` && v.caption === captions[1], '← goes back');

    await page.keyboard.press('End');
    v = await visible(page);
    check(v.counter === `step ${n} of ${n}` && v.caption === captions[n - 1], `End shows the last frame`);
    check(await page.isDisabled('#next'), 'Next is disabled on the last frame');
    await page.keyboard.press('ArrowRight');
    check((await visible(page)).counter === `step ${n} of ${n}`, '→ stops at the last frame');

    await page.keyboard.press('Home');
    check((await visible(page)).counter === `step 1 of ${n}`, 'Home shows the first frame');

    await page.evaluate(() => {
      const s = document.getElementById('slider');
      s.value = '3';
      s.dispatchEvent(new Event('input', { bubbles: true }));
    });
    v = await visible(page);
    check(v.counter === `step 4 of ${n}` && v.caption === captions[3], `the slider jumps (${v.counter})`);

    // Not one pixel of graph movement between steps: one caption area.
    const places = new Set();
    await page.keyboard.press('Home');
    for (let k = 0; k < n; k++) {
      places.add(await page.evaluate(() => {
        const frame = [...document.querySelectorAll('.frame')].find((f) => !f.hidden);
        const r = frame.querySelector('svg').getBoundingClientRect();
        return [r.left, r.top, r.width, r.height].join(',');
      }));
      await page.keyboard.press('ArrowRight');
    }
    check(places.size === 1, `the graph stays put at every step (${[...places].join(' | ')})`);
    await page.evaluate(() => {
      const s = document.getElementById('slider');
      s.value = '3';
      s.dispatchEvent(new Event('input', { bubbles: true }));
    });

    // Projector checks: the picture fits the window, the caption is large.
    const fit = await page.evaluate(() => {
      const frame = [...document.querySelectorAll('.frame')].find((f) => !f.hidden);
      const svg = frame.querySelector('svg').getBoundingClientRect();
      const cap = frame.querySelector('figcaption');
      return { svgRight: svg.right, svgBottom: svg.bottom, svgWidth: svg.width,
        capBottom: cap.getBoundingClientRect().bottom,
        font: parseFloat(getComputedStyle(cap).fontSize), width: window.innerWidth,
        height: window.innerHeight, scroll: document.documentElement.scrollWidth };
    });
    check(fit.svgRight <= fit.width && fit.scroll <= fit.width, `the picture fits the width (${JSON.stringify(fit)})`);
    check(fit.svgWidth > fit.width / 3, 'the picture is not shrunk to a stamp');
    check(fit.capBottom <= fit.height, 'the caption is on screen without scrolling');
    check(fit.font >= 20, `the caption is at least 20px (${fit.font})`);

    // Zoom: the picture at its own size, scrolled so the current step shows.
    await page.keyboard.press('End');
    await page.keyboard.press('z');
    const zoomed = await page.evaluate(() => {
      const frame = [...document.querySelectorAll('.frame')].find((f) => !f.hidden);
      const box = frame.querySelector('.picture');
      const cur = frame.querySelector('g.current').getBoundingClientRect();
      const view = box.getBoundingClientRect();
      return { wide: box.scrollWidth > box.clientWidth, left: box.scrollLeft,
        inside: cur.left >= view.left && cur.right <= view.right,
        pressed: document.getElementById('zoom').getAttribute('aria-pressed') };
    });
    check(zoomed.wide && zoomed.pressed === 'true', `Z shows the picture at its own size (${JSON.stringify(zoomed)})`);
    await page.keyboard.press('Home');
    const home = await page.evaluate(() => {
      const frame = [...document.querySelectorAll('.frame')].find((f) => !f.hidden);
      return frame.querySelector('.picture').scrollLeft;
    });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const tanh = await page.evaluate(() => {
      const frame = [...document.querySelectorAll('.frame')].find((f) => !f.hidden);
      const box = frame.querySelector('.picture');
      const cur = frame.querySelector('g.current').getBoundingClientRect();
      const view = box.getBoundingClientRect();
      return { left: box.scrollLeft, inside: cur.left >= view.left - 1 && cur.right <= view.right + 1 };
    });
    check(tanh.inside && tanh.left > home, `zoomed, the current step is scrolled into view (${JSON.stringify(tanh)})`);
    await page.click('#zoom');
    check(await page.evaluate(() => !document.body.classList.contains('zoomed')), 'the Zoom button zooms back out');

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    fs.mkdirSync(OUTDIR, { recursive: true });
    const shot = path.join(OUTDIR, 'steps-page.png');
    await page.screenshot({ path: shot });
    check(fs.statSync(shot).size > 10000, `screenshot written to ${shot}`);

    check(requests.length === 1 && requests[0].startsWith('file:'),
      `the page loads nothing but itself (${requests.join(' ')})`);
    check(errors.length === 0, `no script errors (${errors.join('; ')})`);
  } finally {
    await context.close();
  }
}

main().then(() => {
  const failed = results.filter((r) => !r[0]).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}, (e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exit(1);
});

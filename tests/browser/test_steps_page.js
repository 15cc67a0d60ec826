// Opens lesson pages of `micrograd steps` in the system's headless Chromium
// (Debian's chromium package, never a downloaded browser): the L example, the
// neuron, the neuron written with exp and a tiny MLP, at 1280x720 (a
// projector) and 390x844 (a phone). Walks them with the keyboard, the buttons
// and the slider, and checks from the page's own geometry that every control
// is on screen, the picture never moves, the current step reads at 12 CSS px
// or more, printing gives one frame per sheet, the zoom survives in the
// address and the quiz asks, refuses and accepts. Takes the screenshots of
// docs/. Usage: node test_steps_page.js MICROGRAD OUTDIR. Exit 77 (skip) when
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
const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
// MLP(2, [2, 1]) on one example, as micrograd's neurons compute it.
const TINY_MLP = `x1 = 2.0
x2 = -1.0
w1 = 0.5  # mg: param
w2 = -0.3  # mg: param
w3 = 0.8  # mg: param
w4 = 0.1  # mg: param
b1 = 0.2  # mg: param
b2 = -0.4  # mg: param
v1 = 0.7  # mg: param
v2 = -0.6  # mg: param
c = 0.1  # mg: param
h1 = tanh(b1 + w1*x1 + w2*x2)
h2 = tanh(b2 + w3*x1 + w4*x2)
out = tanh(c + v1*h1 + v2*h2)
loss = (out - 1.0)**2
`;
const VIEWPORTS = [{ width: 1280, height: 720 }, { width: 390, height: 844 }];

const results = [];
function check(cond, what) {
  results.push([Boolean(cond), what]);
  console.log(`${cond ? 'ok' : 'not ok'} ${results.length} - ${what}`);
}

function captionsOf(source) {
  const text = execFileSync(MICROGRAD, ['steps', source, '--text'], { encoding: 'utf8' });
  // The page lays each "x.grad += ..." on its own line: compare as words.
  return text.trimEnd().split('\n')
    .map((line) => line.replace(/^step-\d{3}: /, ''))
    .map((c) => (c.includes('.grad += ') ? c.replace(/; /g, ' ') : c));
}

// What the page shows now, from its own DOM and geometry.
function state(page) {
  return page.evaluate(() => {
    const shown = [...document.querySelectorAll('.caption')].filter((c) =>
      getComputedStyle(c).visibility === 'visible');
    const pic = document.getElementById('picture').getBoundingClientRect();
    // a left-to-right lesson carries a second picture, top to bottom, for
    // phones held upright: the one the style shows is measured
    const pictures = [...document.querySelectorAll('#picture svg')];
    const shownSvg = pictures.find((e) => getComputedStyle(e).display !== 'none');
    const svg = shownSvg.getBoundingClientRect();
    const current = shownSvg.querySelector('g.node.value.current');
    // what every box of a picture shows, and how: its texts and its state
    const boxes = (e) => [...e.querySelectorAll('g.node')].map((g) =>
      g.id.replace(/^t/, '') + ' ' + [...g.classList].sort().join('.') + ' ' +
      [...g.querySelectorAll('text')].map((t) => t.textContent).join('|')).sort().join('\n');
    const texts = current ? [...current.querySelectorAll('text')].map((t) => t.getBoundingClientRect()) : [];
    return {
      shown: shown.length,
      caption: shown.length ? shown[0].innerText.replace(/\s+/g, ' ').trim() : '',
      counter: document.getElementById('counter').textContent,
      slider: document.getElementById('slider').value,
      picture: [pic.left, pic.top, pic.width, pic.height].join(','),
      svg: [svg.left, svg.top, svg.width, svg.height].join(','),
      follow: document.body.classList.contains('follow'),
      textHeight: texts.length ? Math.min(...texts.map((r) => r.height)) : null,
      textVisible: texts.every((r) => r.left >= pic.left - 1 && r.right <= pic.right + 1 &&
        r.top >= pic.top - 1 && r.bottom <= pic.bottom + 1),
      hash: location.hash,
      pictures: pictures.length,
      tall: shownSvg.classList.contains('tall'),
      agree: pictures.every((e) => boxes(e) === boxes(pictures[0])),
    };
  });
}

// Controls that lie outside the window (a name per control).
function offscreen(page) {
  return page.evaluate(() => ['prev', 'next', 'zoom', 'slider', 'counter'].filter((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return r.width === 0 || r.left < 0 || r.top < 0 || r.right > window.innerWidth ||
      r.bottom > window.innerHeight;
  }).concat(document.documentElement.scrollWidth > window.innerWidth ? ['page width'] : []));
}

async function newContext(work, viewport) {
  return chromium.launchPersistentContext(path.join(work, `profile-${viewport.width}`), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
  });
}

// Every step of one page in one window: controls, position, text size.
async function walk(page, name, vp, captions) {
  const n = captions.length, where = `${name} at ${vp.width}x${vp.height}`;
  const places = new Set(), svgs = new Set(), small = [], hidden = [], wrong = [], off = new Set();
  const shape = new Set(), disagree = [];
  await page.keyboard.press('Home');
  for (let k = 0; k < n; k++) {
    const s = await state(page);
    places.add(s.picture);
    if (!s.follow) svgs.add(s.svg);
    if (s.shown !== 1 || s.caption !== captions[k] || s.counter !== `step ${k + 1} of ${n}`)
      wrong.push(`${k + 1}: ${s.shown} ${s.counter} ${s.caption}`);
    if (k >= 2 && !(s.textHeight >= 12)) small.push(`${k + 1}: ${s.textHeight}`);
    if (k >= 2 && !s.textVisible) hidden.push(k + 1);
    (await offscreen(page)).forEach((c) => off.add(c));
    shape.add(`${s.pictures} ${s.tall}`);
    if (!s.agree) disagree.push(k + 1);
    await page.keyboard.press('ArrowRight');
  }
  check(wrong.length === 0, `${where}: each step shows its one caption and counter (${wrong.join(' | ')})`);
  check(off.size === 0, `${where}: every control on screen (${[...off].join(', ')})`);
  check(places.size === 1 && svgs.size <= 1, `${where}: the picture stays put at every step (${[...places].join(' | ')})`);
  check(small.length === 0, `${where}: the current step's text is at least 12 px tall (${small.join(', ')})`);
  check(hidden.length === 0, `${where}: the current step is in view (${hidden.join(', ')})`);
  const upright = vp.height > vp.width && vp.width <= 700;
  check(shape.size === 1 && shape.has(`2 ${upright}`),
    `${where}: ${upright ? 'the top-to-bottom picture' : 'the left-to-right picture'} is shown (${[...shape]})`);
  check(disagree.length === 0, `${where}: both pictures show every box alike (${disagree.join(', ')})`);
}

// Formulas break only between terms: every unbreakable piece on one line.
async function formulas(page, where) {
  const broken = await page.evaluate(() => {
    const bad = [];
    document.querySelectorAll('.caption.shown .nb').forEach((e) => {
      const lines = new Set([...e.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) bad.push(e.textContent);
    });
    return bad;
  });
  check(broken.length === 0, `${where}: formulas wrap only between terms (${broken.join(' | ')})`);
}

// Print: one sheet per frame, each with its picture and caption, and as
// many PDF pages as frames.
async function print(page, name, n) {
  await page.emulateMedia({ media: 'print' });
  // the page makes its sheets when the print media query starts to match
  await page.waitForFunction(() => document.querySelector('#print .sheet'), null, { timeout: 5000 })
    .catch(() => {});
  const sheets = await page.evaluate(() => [...document.querySelectorAll('#print .sheet')].map((s) => ({
    svg: s.querySelectorAll('svg').length, caption: s.querySelectorAll('.caption').length,
    after: getComputedStyle(s).breakAfter, shown: s.getBoundingClientRect().height > 0,
    grads: [...s.querySelectorAll('svg text')].filter((t) => t.textContent.startsWith('grad ')).length,
  })));
  check(sheets.length === n && sheets.every((s) => s.svg === 1 && s.caption === 1 && s.shown),
    `${name}: print media makes ${n} sheets, each one picture and one caption (${sheets.length})`);
  check(sheets.slice(0, -1).every((s) => s.after === 'page'), `${name}: a page break after every sheet but the last`);
  await page.emulateMedia({ media: null }); // the browser's own again
  // Chromium's print dialog sends beforeprint and afterprint; page.pdf() does not
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  const pdf = await page.pdf({ format: 'A4', landscape: true });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  check(pages === n, `${name}: the printed PDF has one page per frame (${pages} for ${n})`);
  check(await page.evaluate(() => document.querySelectorAll('#print .sheet').length === 0),
    `${name}: the sheets go after printing`);
}

async function zoomInAddress(page, name, file) {
  await page.goto('file://' + file);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('+');
  const before = await state(page);
  check(/^#step-4&zoom=\d+$/.test(before.hash) && before.follow, `${name}: + zooms and the address keeps it (${before.hash})`);
  await page.goto('about:blank');
  await page.goto('file://' + file + before.hash);
  const after = await state(page);
  check(after.counter === before.counter && after.svg.split(',').slice(2).join() === before.svg.split(',').slice(2).join(),
    `${name}: the address reopens the step at the same zoom (${after.counter} ${after.svg} / ${before.svg})`);
  await page.keyboard.press('z');
  const whole = await state(page);
  check(!whole.follow && /&zoom=fit$/.test(whole.hash), `${name}: Z shows the whole graph (${whole.hash})`);
  await page.goto('file://' + file + whole.hash);
  check(!(await state(page)).follow, `${name}: #...&zoom=fit reopens the whole graph`);
}

async function quiz(page, file) {
  await page.goto('file://' + file);
  await page.keyboard.press('ArrowRight'); // step 2: L.grad = 1
  await page.keyboard.press('ArrowRight'); // step 3: L = d * f changes d and f
  const asked = await page.evaluate(() => {
    const cap = document.querySelector('.caption.shown');
    return { asking: cap.classList.contains('asking'), inputs: cap.querySelectorAll('.quiz input').length,
      labels: [...cap.querySelectorAll('.quiz label')].map((l) => l.textContent),
      hidden: [...document.querySelectorAll('#v4 text, #v5 text')].map((t) => t.textContent),
      terms: getComputedStyle(cap.querySelector('.term')).display };
  });
  check(asked.asking && asked.inputs === 2 && asked.labels.join() === 'd.grad = ,f.grad = ',
    `quiz: step 3 asks for d.grad and f.grad (${JSON.stringify(asked)})`);
  check(asked.hidden.includes('grad ?') && asked.terms === 'none', 'quiz: their grads and the arithmetic are hidden');
  const inputs = await page.$$('.caption.shown .quiz input');
  await inputs[0].fill('2');
  await inputs[1].fill('-8');
  await page.click('.caption.shown .quiz .check');
  const no = await page.evaluate(() => ({ verdict: document.querySelector('.caption.shown .verdict').textContent,
    asking: document.querySelector('.caption.shown').classList.contains('asking'),
    wrong: [...document.querySelectorAll('.caption.shown .quiz input.wrong')].length }));
  check(no.asking && no.wrong === 2 && /0 of 2 right/.test(no.verdict), `quiz: wrong answers are refused (${JSON.stringify(no)})`);
  await page.screenshot({ path: path.join(OUTDIR, 'lesson-quiz.png') });
  await inputs[0].fill('-2');
  await inputs[1].fill('4.00001');
  await inputs[1].press('Enter');
  const yes = await page.evaluate(() => ({
    asking: document.querySelector('.caption.shown').classList.contains('asking'),
    shown: [...document.querySelectorAll('#v4 text, #v5 text')].map((t) => t.textContent),
    counter: document.getElementById('counter').textContent }));
  check(!yes.asking && yes.shown.includes('grad -2.0000') && yes.shown.includes('grad 4.0000') &&
    yes.counter === 'step 3 of 5', `quiz: right answers at the shown precision reveal the step (${JSON.stringify(yes)})`);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  check(!(await page.evaluate(() => document.querySelector('.caption.shown').classList.contains('asking'))),
    'quiz: an answered step stays answered');
}

// Click a box: every path from the root to it, with the local derivatives.
async function paths(page, file, twice) {
  await page.goto('file://' + file + '#step-5');
  await page.click('#v0');
  const shown = await page.evaluate(() => {
    const p = document.getElementById('paths');
    return { hidden: p.hidden, lines: [...p.querySelectorAll('p')].map((e) => e.textContent) };
  });
  check(!shown.hidden && shown.lines.join(' | ') ===
    'dL/da = 6.0000, summed over 1 path: | L → d → e → a: (-2.0000)·(1.0000)·(-3.0000) = 6.0000',
    `clicking a shows its path from L (${shown.lines.join(' | ')})`);
  await page.screenshot({ path: path.join(OUTDIR, 'lesson-paths-click.png') });
  await page.keyboard.press('Escape');
  check(await page.evaluate(() => document.getElementById('paths').hidden), 'Escape closes the paths');
  await page.goto('file://' + twice);
  await page.click('#v0');
  const lines = await page.evaluate(() => [...document.querySelectorAll('#paths p')].map((e) => e.textContent));
  check(lines.join(' | ') === 'db/da = 2.0000, summed over 2 paths: | b → a: (1.0000) = 1.0000 | b → a: (1.0000) = 1.0000',
    `b = a + a: two paths, 1 + 1 (${lines.join(' | ')})`);
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-steps-browser-'));
  try {
    const sources = {
      L: path.join(EXAMPLES, 'L.mg'), neuron: path.join(EXAMPLES, 'neuron.mg'),
      neuron_exp: path.join(EXAMPLES, 'neuron_exp.mg'), tiny_mlp: path.join(work, 'tiny_mlp.mg'),
    };
    fs.writeFileSync(sources.tiny_mlp, TINY_MLP);
    const pages = {};
    for (const [name, src] of Object.entries(sources)) {
      pages[name] = path.join(work, name + '.html');
      execFileSync(MICROGRAD, ['steps', src, '-o', pages[name]]);
    }
    const twice = path.join(work, 'twice.mg'), twicePage = path.join(work, 'twice.html');
    fs.writeFileSync(twice, 'a = 3.0\nb = a + a\n');
    execFileSync(MICROGRAD, ['steps', twice, '-o', twicePage]);
    const quizPage = path.join(work, 'L-quiz.html');
    execFileSync(MICROGRAD, ['steps', sources.L, '-o', quizPage, '--quiz']);
    fs.mkdirSync(OUTDIR, { recursive: true });
    for (const vp of VIEWPORTS) {
      const context = await newContext(work, vp);
      try {
        const page = context.pages()[0] || await context.newPage();
        const requests = [];
        await context.route('**/*', (route) => {
          requests.push(route.request().url());
          return route.request().url().startsWith('file:') ? route.continue() : route.abort();
        });
        const errors = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        for (const [name, file] of Object.entries(pages)) {
          await page.goto('file://' + file);
          await walk(page, name, vp, captionsOf(sources[name]));
          await formulas(page, `${name} at ${vp.width}x${vp.height}`);
        }
        await page.goto('file://' + pages.neuron_exp + '#step-4');
        const shot = path.join(OUTDIR, `lesson-${vp.width}x${vp.height}.png`);
        await page.screenshot({ path: shot });
        check(fs.statSync(shot).size > 10000, `screenshot written to ${shot}`);
        if (vp.width === 1280) {
          await controls(page, pages.neuron, captionsOf(sources.neuron));
          await zoomInAddress(page, 'neuron_exp', pages.neuron_exp);
          await quiz(page, quizPage);
          await paths(page, pages.L, twicePage);
          for (const name of ['L', 'tiny_mlp']) {
            await page.goto('file://' + pages[name]);
            await print(page, name, captionsOf(sources[name]).length);
          }
        }
        check(requests.every((u) => u.startsWith('file:')), `${vp.width}: the pages load nothing but themselves`);
        check(errors.length === 0, `${vp.width}: no script errors (${errors.join('; ')})`);
      } finally {
        await context.close();
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// Buttons, keys and the slider.
async function controls(page, file, captions) {
  const n = captions.length;
  await page.goto('file://' + file);
  let v = await state(page);
  check(n === 7 && v.counter === `step 1 of ${n}` && v.caption === captions[0], `the neuron opens at step 1 of 7 (${v.counter})`);
  check(await page.isDisabled('#prev'), 'Previous is disabled on the first step');
  await page.click('#next');
  await page.click('#next');
  v = await state(page);
  check(v.counter === `step 3 of ${n}` && v.slider === '2' && v.caption.includes('(1 - o.data²) × o.grad'),
    `Next advances counter and slider to the tanh step (${v.caption})`);
  check(v.hash === '#step-3', `the address says the step (${v.hash})`);
  await page.keyboard.press('ArrowLeft');
  check((await state(page)).counter === `step 2 of ${n}`, '← goes back');
  await page.keyboard.press('End');
  check((await state(page)).counter === `step ${n} of ${n}` && await page.isDisabled('#next'), 'End shows the last step');
  await page.keyboard.press('ArrowRight');
  check((await state(page)).counter === `step ${n} of ${n}`, '→ stops at the last step');
  await page.evaluate(() => {
    const s = document.getElementById('slider');
    s.value = '3';
    s.dispatchEvent(new Event('input', { bubbles: true }));
  });
  v = await state(page);
  check(v.counter === `step 4 of ${n}` && v.caption === captions[3], `the slider jumps (${v.counter})`);
  // Back and forth give the same picture as going straight there.
  const texts = () => page.evaluate(() => [...document.querySelectorAll('#picture svg text')].map((t) => t.textContent).join('|'));
  const direct = await texts();
  await page.keyboard.press('End');
  await page.keyboard.press('Home');
  for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
  check(await texts() === direct, 'a step shows the same texts however it is reached');
  await page.goto('file://' + file + '#step-5');
  check((await state(page)).counter === `step 5 of ${n}`, '#step-5 opens step 5');
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

// The two browsers the bench drives, behind one interface: open(url), call(fn, ...args) on the
// page's window.corescope, eval(fn, ...args) of a function in the page, close(); for the
// end-to-end tests in Firefox also visit(url, until) and resize(width, height) of the viewport.
// Chromium through playwright-core (as the end-to-end tests); Firefox through geckodriver's W3C
// WebDriver endpoint, since playwright drives only its own patched Firefox build and Debian's
// firefox-esr is the one here. (Typed arrays are copied to plain ones in the page: WebDriver may
// not read a page's typed array from Firefox's sandbox.)
import { spawn } from 'node:child_process';
import { launchChromium } from '../tests/e2e/harness.mjs';

const CALL = ([fn, args]) => window.corescope[fn](...args);

export async function chromium() {
  const browser = await launchChromium();
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  return {
    name: 'Chromium',
    async open(url) {
      await page.goto(url);
      await page.waitForFunction(() => window.corescope && document.querySelector('#pool[data-ready=true]'), null, { timeout: 60_000 });
    },
    call: (fn, ...args) => page.evaluate(CALL, [fn, args]),
    // The function's source, called with `args` (as Firefox's below): evaluate passes one.
    eval: (fn, ...args) => page.evaluate(`(${fn})(...${JSON.stringify(args)})`),
    close: () => browser.close(),
  };
}

export async function firefox({ geckodriver = 'geckodriver', binary = '/usr/bin/firefox-esr' } = {}) {
  const port = 4444 + Math.floor(Math.random() * 1000);
  const driver = spawn(geckodriver, ['--port', String(port)], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const send = async (method, path, body) => {
    const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${path}: ${json.value?.message ?? res.status}`);
    return json.value;
  };
  for (let i = 0; ; i++) {
    try { await fetch(`${base}/status`); break; } catch (e) { if (i > 100) throw e; await new Promise(r => setTimeout(r, 100)); }
  }
  const { sessionId } = await send('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'firefox', 'moz:firefoxOptions': { binary, args: ['-headless'] } } },
  });
  const session = `/session/${sessionId}`;
  await send('POST', `${session}/timeouts`, { script: 3_600_000 });
  const script = async (body, args = []) => {
    const out = await send('POST', `${session}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${body})(...Array.from(arguments).slice(0, -1)))
          .then(v => done({ ok: ArrayBuffer.isView(v) ? Array.from(v) : v }), e => done({ err: String(e && e.message || e) }));`,
      args,
    });
    if ('err' in out) throw new Error(out.err);
    return out.ok;
  };
  return {
    name: 'Firefox',
    async open(url) {
      await send('POST', `${session}/url`, { url });
      for (let i = 0; !(await script('() => !!(window.corescope && document.querySelector("#pool[data-ready=true]"))')); i++) {
        if (i > 600) throw new Error('the page did not get ready within 60 s');
        await new Promise(r => setTimeout(r, 100));
      }
    },
    call: (fn, ...args) => script('(fn, args) => window.corescope[fn](...args)', [fn, args]),
    eval: (fn, ...args) => script(String(fn), args),
    /** Opens `url` and waits, up to 60 s, until the page function `until` is true. */
    async visit(url, until) {
      await send('POST', `${session}/url`, { url });
      for (let i = 0; !(await script(String(until))); i++) {
        if (i > 600) throw new Error(`${url}: not ready within 60 s`);
        await new Promise(r => setTimeout(r, 100));
      }
    },
    /** Saves the viewport as a PNG at `file`. */
    async shot(file) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(file, Buffer.from(await send('GET', `${session}/screenshot`), 'base64'));
    },
    /** Sets the page's viewport (not the window's outer size) to `width` × `height`. */
    async resize(width, height) {
      let [w, h] = [width, height];
      for (let i = 0; i < 3; i++) {
        await send('POST', `${session}/window/rect`, { width: w, height: h });
        const [iw, ih] = await script('() => [window.innerWidth, window.innerHeight]');
        if (iw === width && ih === height) return;
        [w, h] = [w + width - iw, h + height - ih];
      }
    },
    async close() {
      await send('DELETE', session).catch(() => {});
      driver.kill();
    },
  };
}

// Shared helpers for the browser tests: a static server on a free port, a headless
// Debian Chromium driven by playwright-core, a network-request recorder and a check
// that a canvas holds pixels of the chart's series colours.
import { spawn } from "node:child_process";
import { chromium } from "playwright-core";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..");

// Okabe-Ito colours of src/charts.rs PALETTE (first four are used by the charts here).
export const SERIES_COLOURS = [[0, 114, 178], [230, 159, 0], [0, 158, 115], [204, 121, 167]];

export async function startServer() {
  const child = spawn("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", ROOT], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The server logs every request to stderr: read it, or once the pipe's buffer (64 KB,
  // a few hundred requests) is full the server blocks and pages stop loading.
  child.stderr.resume();
  const port = await new Promise((ok, fail) => {
    let text = "";
    const timer = setTimeout(() => fail(new Error(`server did not start: ${text}`)), 10000);
    child.stdout.on("data", (d) => {
      text += d;
      const m = /port (\d+)/.exec(text);
      if (m) { clearTimeout(timer); ok(Number(m[1])); }
    });
    child.on("exit", (code) => fail(new Error(`server exited ${code}: ${text}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function startChromium() {
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

// The tests' browser. Debian's Chromium has, rarely, exited on its own within a second of
// starting (CI on 3 Dec 2026: "Target page, context or browser has been closed" at the
// first navigation of a file, then every later test of that file failed the same way;
// three full runs after it passed). A browser found gone is started again, and the
// restart is printed; a page that brings the browser down every time still fails.
export async function launch() {
  let browser = await startChromium();
  return {
    isConnected: () => browser.isConnected(),
    async restart() {
      console.error("# chromium had exited; starting it again");
      browser = await startChromium();
    },
    async newContext(options) {
      if (!browser.isConnected()) await this.restart();
      return browser.newContext(options);
    },
    close: () => browser.close(),
  };
}

// playwright gives each launch a fresh, empty profile directory.
// Open a page that records every request and console error.
export async function openPage(browser, url, options = {}) {
  try {
    return await openPageOnce(browser, url, options);
  } catch (e) {
    // Only a browser that went away is given a second chance (see `launch`).
    if (browser.isConnected()) throw e;
    await browser.restart();
    return openPageOnce(browser, url, options);
  }
}

async function openPageOnce(browser, url, { deviceScaleFactor = 1 } = {}) {
  const context = await browser.newContext({ deviceScaleFactor, viewport: { width: 1280, height: 900 } });
  // Record Content-Security-Policy violations from the first script on.
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 20000 });
  return { page, context, requests, errors };
}

// Count opaque pixels close to each series colour on a canvas. Transparent pixels
// (alpha 0, an untouched canvas) never count.
export async function colourCounts(page, canvasId, colours = SERIES_COLOURS) {
  return page.evaluate(({ canvasId, colours }) => {
    const c = document.getElementById(canvasId);
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    const counts = colours.map(() => 0);
    let opaque = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      opaque++;
      colours.forEach(([r, g, b], k) => {
        if (Math.abs(d[i] - r) < 12 && Math.abs(d[i + 1] - g) < 12 && Math.abs(d[i + 2] - b) < 12) counts[k]++;
      });
    }
    return { counts, opaque, width: c.width, height: c.height, cssWidth: c.getBoundingClientRect().width };
  }, { canvasId, colours });
}

// Content-Security-Policy violations the page has met so far.
export async function cspViolations(page) {
  return page.evaluate(() => window.__csp);
}

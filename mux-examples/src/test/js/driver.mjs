// A headless Chromium driven by JSON lines: the Java integration tests write one command per
// line on standard input and read one reply per line on standard output.
//
//   {"id": 1, "cmd": "open", "page": "a", "url": "http://127.0.0.1:8080/#room=lobby"}
//   {"id": 1, "ok": true}
//
// Commands (every one may carry "timeout" in milliseconds; the default is 15000):
//   open        page, url                 open a new tab and load the URL
//   goto        page, url                 load another URL in a tab
//   fill        page, selector, value     type into a field (replacing its value)
//   click       page, selector            click the first visible match
//   press       page, selector, key       press a key in a field
//   waitFor     page, selector, [text], [count], [attribute, value]
//               wait until `count` elements (default: at least one) match the selector, contain
//               `text` and, if given, have the attribute with that value
//   texts       page, selector            the text of every match -> {"value": [...]}
//   screenshot  page, path                save a PNG of the tab
//   errors      page                      uncaught page errors so far -> {"value": [...]}
//   close                                 close the browser and exit
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const DEFAULT_TIMEOUT = 15000;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

// A fresh profile every run: nothing leaks between runs, and Chromium starts as on a new machine.
const userDataDir = mkdtempSync(join(tmpdir(), 'mux-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const pages = new Map();
const pageErrors = new Map();

function page(name) {
  const p = pages.get(name);
  if (!p) throw new Error(`no page named ${name}; open it first`);
  return p;
}

async function waitFor(p, { selector, text = '', count = null, attribute = null, value = null }, timeout) {
  await p.waitForFunction(([sel, txt, n, attr, val]) => {
    const matches = [...document.querySelectorAll(sel)].filter((e) =>
      e.textContent.includes(txt) && (attr === null || e.getAttribute(attr) === val));
    return n === null ? matches.length > 0 : matches.length === n;
  }, [selector, text, count, attribute, value], { timeout, polling: 50 });
}

const commands = {
  async open(c, timeout) {
    if (pages.has(c.page)) throw new Error(`page ${c.page} is already open`);
    const p = await context.newPage();
    pageErrors.set(c.page, []);
    p.on('pageerror', (e) => pageErrors.get(c.page).push(String(e)));
    pages.set(c.page, p);
    await p.goto(c.url, { timeout, waitUntil: 'load' });
  },
  async goto(c, timeout) {
    await page(c.page).goto(c.url, { timeout, waitUntil: 'load' });
  },
  async fill(c, timeout) {
    await page(c.page).locator(c.selector).first().fill(c.value, { timeout });
  },
  async click(c, timeout) {
    await page(c.page).locator(c.selector).locator('visible=true').first().click({ timeout });
  },
  async press(c, timeout) {
    await page(c.page).locator(c.selector).first().press(c.key, { timeout });
  },
  async waitFor(c, timeout) {
    await waitFor(page(c.page), c, timeout);
  },
  async texts(c) {
    return page(c.page).locator(c.selector).allTextContents();
  },
  async screenshot(c, timeout) {
    await page(c.page).screenshot({ path: c.path, timeout, animations: 'disabled' });
  },
  async errors(c) {
    page(c.page);
    return pageErrors.get(c.page);
  },
  async close() {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
    return 'closed';
  },
};

function reply(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

// Commands run one at a time, in order, as the Java side sends them.
const lines = createInterface({ input: process.stdin });
reply({ id: 0, ok: true, value: 'ready' });
for await (const line of lines) {
  if (!line.trim()) continue;
  let command;
  try {
    command = JSON.parse(line);
  } catch (e) {
    reply({ id: null, ok: false, error: `not JSON: ${e.message}` });
    continue;
  }
  const handler = commands[command.cmd];
  if (!handler) {
    reply({ id: command.id, ok: false, error: `unknown command ${command.cmd}` });
    continue;
  }
  try {
    const value = await handler(command, command.timeout ?? DEFAULT_TIMEOUT);
    reply({ id: command.id, ok: true, value: value ?? null });
    if (command.cmd === 'close') break;
  } catch (e) {
    reply({ id: command.id, ok: false, error: String(e && e.message ? e.message : e) });
  }
}
// Standard input closed without "close": the Java side went away; do not leave Chromium behind.
await context.close().catch(() => {});
rmSync(userDataDir, { recursive: true, force: true });
process.exit(0);

// Browser tests of the dashboard (issue #7): headless Debian chromium, driven by
// playwright-core, on an `accord serve` that this test starts on loopback over a fresh store.
//
//   ACCORD_BIN   the accord binary (default: ../../target/debug/accord)
//   CHROMIUM     the browser (default: /usr/bin/chromium)
//
// Screenshots of each page go to ../../target/screenshots/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const bin = process.env.ACCORD_BIN || path.join(root, "target", "debug", "accord");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const shots = path.join(root, "target", "screenshots");
const D = "as_of=2025-12-17&known_at=2025-12-17";

let work, server, base, token, context, page;

function accord(args, input) {
  return execFileSync(bin, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

async function startServer(db) {
  const child = spawn(bin, ["serve", "--db", db, "--addr", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start: " + out)), 30000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m && /Stop with Ctrl-C/.test(out)) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => reject(new Error(`the server exited (${code}): ${out}`)));
  });
  return { child, url, output: () => out };
}

async function shot(name, fullPage = true) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
}

before(async () => {
  assert.ok(existsSync(bin), `no accord binary at ${bin}; run cargo build first`);
  mkdirSync(shots, { recursive: true });
  work = mkdtempSync(path.join(tmpdir(), "accord-browser-"));
  const db = path.join(work, "accord.db");
  accord(["init", "--db", db, "--example", "us-uk"]);
  // A proposed claim, added through the store's review queue (Store::add_proposals).
  const proposal = {
    dedup_key: "browser-test-1",
    draft: {
      about: "epd_pharma",
      asserts: "status",
      value: "agreed",
      valid: "2025-12-02",
      known: "2025-12-02",
      source: "bbc_2025_12_16_tech_deal",
      quote: "The two sides have agreed terms on medicines <b>in principle</b>",
      channel: "report",
    },
    provenance: { title: "Test article", url: "https://example.org/pharma", confidence: 0.8 },
  };
  accord(["review", "add", "-", "--db", db], JSON.stringify(proposal) + "\n");
  server = await startServer(db);
  base = server.url;
  // The first start made an admin and printed how to sign in with a token.
  const m = server.output().match(/(acc_[0-9a-f]{64})/);
  assert.ok(m, "the first start prints a token: " + server.output());
  assert.match(server.output(), /Sign in at http:\/\/127\.0\.0\.1:\d+\/signin/);
  token = m[1];
  const profile = path.join(work, "profile");
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] || (await context.newPage());
  // Nothing outside loopback: any such request fails the test.
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["127.0.0.1", "localhost"].includes(u.hostname) && u.protocol !== "data:") {
      throw new Error("request outside loopback: " + r.url());
    }
  });
});

after(async () => {
  if (context) await context.close();
  if (server) server.child.kill("SIGTERM");
  if (work) rmSync(work, { recursive: true, force: true });
});

test("sign in with the token and open the overview", async () => {
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/signin/);
  await shot("01-signin");
  await page.fill("#token", token);
  await page.click("#signin-token");
  await page.waitForURL(/\/$|\/\?/);
  await page.goto(`${base}/?${D}`);
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  const tech = page.locator("tr[data-id=tech_track]");
  assert.match(await tech.innerText(), /contested/i);
  const tpdRow = page.locator("tr[data-id=tpd]");
  assert.match(await tpdRow.innerText(), /not operative/i);
  await shot("02-overview");
});

test("open the TPD: not operative, and the reason", async () => {
  await page.goto(`${base}/?${D}`);
  await page.click("tr[data-id=tpd] th a");
  await page.waitForURL(/\/item\/tpd\?/);
  const state = await page.locator("p.state").innerText();
  assert.match(state, /not operative/i);
  const reasons = await page.locator(".reasons").innerText();
  assert.match(reasons, /progress\(epd, by: uk\) >= substantial/);
  const tree = await page.locator("#h-why + ul").innerText();
  assert.match(tree, /commitments not met/);
  await shot("03-item-tpd");
});

test("move the as-of date back to 2025-10-01 and see the state change", async () => {
  await page.goto(`${base}/?${D}`);
  assert.match(await page.locator("tr[data-id=tech_track]").innerText(), /contested/i);
  await page.fill("#as_of", "2025-10-01");
  // known-at follows as-of (plain JavaScript); set it too in case it did not.
  await page.fill("#known_at", "2025-10-01");
  await page.click("form.when button[type=submit]");
  await page.waitForURL(/as_of=2025-10-01/);
  const tech = await page.locator("tr[data-id=tech_track]").innerText();
  assert.doesNotMatch(tech, /contested/i);
  assert.match(tech, /active/i);
  await shot("04-overview-2025-10-01");
});

test("accept a proposed claim in the review queue and see the affected status change", async () => {
  await page.goto(`${base}/?${D}`);
  assert.match(await page.locator("tr[data-id=epd_pharma]").innerText(), /proposed/i);
  await page.goto(`${base}/review?${D}`);
  const card = page.locator("article.proposal").first();
  // The quote from the source is text, not markup.
  assert.match(await card.innerText(), /<b>in principle<\/b>/);
  // Before accepting, the page says what it would change.
  assert.match(await page.locator(".preview").first().innerText(), /epd_pharma would be\s+agreed/i);
  await shot("05-review");
  await card.locator("button.accept").first().click();
  await page.waitForURL(/done=accepted/);
  const flash = await page.locator(".flash").innerText();
  assert.match(flash, /epd_pharma is now\s+agreed/i);
  await shot("06-review-accepted");
  await page.goto(`${base}/?${D}`);
  assert.match(await page.locator("tr[data-id=epd_pharma]").innerText(), /agreed/i);
});

test("run a what-if", async () => {
  await page.goto(`${base}/whatif?${D}`);
  await page.fill("#claims", "commitments(epd, by: uk) met");
  await page.click("form.whatif button[type=submit]");
  await page.waitForURL(/claims=/);
  const result = await page.locator(".result").innerText();
  assert.match(result, /US–UK Technology Prosperity Deal/);
  assert.match(result, /not operative[\s\S]*operative/i);
  await shot("07-whatif");
});

test("the graph, search, keyboard and a phone", async () => {
  await page.goto(`${base}/graph?${D}&focus=tpd`);
  const node = page.locator('svg.graph a[data-id="tpd"]');
  await node.waitFor();
  await shot("08-graph");
  await node.click();
  await page.waitForURL(/\/item\/tpd/);
  // "/" focuses the search box.
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), "q");
  await page.keyboard.type("steel");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/search\?/);
  assert.match(await page.locator("main").innerText(), /Steel/);
  await shot("09-search");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/item/tech_track?${D}`);
  assert.match(await page.locator("p.state").innerText(), /contested/i);
  await shot("10-phone-item-tech-track", false);
  await page.goto(`${base}/?${D}`);
  await shot("11-phone-overview", false);
  await page.setViewportSize({ width: 1280, height: 900 });
});

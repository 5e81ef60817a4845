// The monitoring view (issue 18) of a server started with `--watch` (end2end/run.sh: MXRAY_WATCH lists
// good, openrelay and expired.mxray.test): at desktop and phone width, in English and German, the
// list shows every watched domain with a state once the watcher's first cycle is stored; a domain's
// timeline has both charts (named images) and the table of its checks; a check opens in the report
// view; the language switch changes the view in place; the footer links to it; no English on the
// German pages, nothing wider than a phone, and no axe-core violations; without JavaScript the list
// and a timeline are in the page. Then the same binary without `--watch`: the "monitoring is off"
// state and no footer link.
import { test, expect, Browser, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { spawn, ChildProcess } from "node:child_process";

type Lang = "en" | "de";
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 360, height: 740 } } as const;
type Size = keyof typeof SIZES;
const WATCHED = ["good.mxray.test", "openrelay.mxray.test", "expired.mxray.test"];

const WORDS = {
  en: { monitoring: "Monitoring", critical: "critical", openRelay: "Open relay", stored: "Stored check", checks: /\d+ checks? (at|from) /, days: /days? left/, off: "Monitoring is off on this server" },
  de: { monitoring: "Überwachung", critical: "kritisch", openRelay: "Offenes Relay", stored: "Gespeicherte Prüfung", checks: /\d+ Prüfung(en)? (am|von) /, days: /verbleibende Tage/, off: "Die Überwachung ist auf diesem Server ausgeschaltet" },
} as const;

/** Words that are English and never German (as in words.spec.ts). */
const ENGLISH = /\b(the|is|are|not|and|of|with|does|could|has|have|this|which|from|through|either|should|would|been|its|for|to|by|on|at|or|but|only|when|because|there|than|since|last|next|checked|changes|days)\b/i;

async function page(browser: Browser, size: Size, lang: Lang): Promise<Page> {
  const context = await browser.newContext({ viewport: SIZES[size], locale: lang === "de" ? "de-DE" : "en-US" });
  return context.newPage();
}

/** Opens a path and waits until the page is hydrated. */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('main[data-ready="true"]')).toBeAttached();
}

/** The list, reloaded until the watcher has stored a check of every watched domain. */
async function listAfterFirstCycle(page: Page, lang: Lang): Promise<void> {
  await expect(async () => {
    await open(page, `/watch?lang=${lang}`);
    await expect(page.locator("article.watched")).toHaveCount(WATCHED.length, { timeout: 1_000 });
    await expect(page.locator('article.watched[data-severity="pending"]')).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 90_000, intervals: [1_000, 2_000, 3_000] });
}

/**
 * The page's own words, as words.spec.ts reads them: no transcripts, code or quoted server replies,
 * no names (hosts, addresses, times, options); the charts' names included.
 */
async function ownWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const main = document.querySelector("main")!.cloneNode(true) as HTMLElement;
    main.querySelectorAll("pre, code, .transcript, q").forEach((e) => e.remove());
    const texts: string[] = [];
    main.querySelectorAll("h2, h3, h4, p, li, dt, dd, th, td, summary, figcaption, span.state, span.name").forEach((e) => texts.push(e.textContent ?? ""));
    main.querySelectorAll("svg[role=img]").forEach((e) => texts.push(e.getAttribute("aria-label") ?? ""));
    return texts
      .map((t) => t.replace(/"[^"]*"|„[^“]*“|“[^”]*”|«[^»]*»|'[^']*'/g, " ").replace(/\S*[.:@/]\S*|--[\w-]+/g, " ").trim())
      .filter((t) => t);
  });
}

async function checkPage(page: Page, lang: Lang, size: Size): Promise<void> {
  if (lang === "de") {
    const english = (await ownWords(page)).filter((l) => ENGLISH.test(l));
    expect(english, "English on the German page").toEqual([]);
  }
  if (size === "phone") {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "wider than the phone").toBeLessThanOrEqual(0);
  }
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

for (const size of Object.keys(SIZES) as Size[]) {
  for (const lang of ["en", "de"] as Lang[]) {
    test(`the watched domains, a timeline and a stored check (${size}, ${lang})`, async ({ browser }) => {
      const words = WORDS[lang];
      const p = await page(browser, size, lang);

      // The list: every domain with its state after the first cycle, the open relay critical.
      await listAfterFirstCycle(p, lang);
      await expect(p.locator("h2.watch-title")).toHaveText(words.monitoring);
      for (const domain of WATCHED) {
        const card = p.locator(`article.watched[data-domain="${domain}"]`);
        await expect(card.locator("h3 a")).toHaveAttribute("href", `/watch/${domain}`);
        await expect(card.locator(".watch-status .label")).not.toBeEmpty();
        await expect(card.locator("dd time").first()).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
      }
      const relay = p.locator('article.watched[data-domain="openrelay.mxray.test"]');
      await expect(relay).toHaveAttribute("data-severity", "critical");
      await expect(relay.locator(".watch-status .label")).toHaveText(words.critical);
      await expect(relay.locator('.open-line[data-severity="critical"]').first()).toBeVisible();
      await expect(relay.locator(".open-lines")).toContainText(words.openRelay);
      await checkPage(p, lang, size);

      // A timeline: both charts as named images, the table of the same checks.
      await p.locator('article.watched[data-domain="expired.mxray.test"] h3 a').click();
      await expect(p).toHaveURL(/\/watch\/expired\.mxray\.test$/);
      await expect(p.locator('main[data-ready="true"]')).toBeAttached();
      const severity = p.locator('figure[data-chart="severity"] svg[role="img"]');
      await expect(severity).toHaveAttribute("aria-label", words.checks);
      const bars = await severity.locator("rect.bar").count();
      expect(bars).toBeGreaterThanOrEqual(1);
      const cert = p.locator('figure[data-chart="certificate"] svg[role="img"]');
      await expect(cert).toHaveAttribute("aria-label", lang === "en" ? /Fewest days left of a certificate: -?\d+ days?/ : /Wenigste verbleibende Tage eines Zertifikats: -?\d+ Tage?/);
      await expect(cert.locator("polyline.line")).not.toHaveCount(0);
      await expect(p.locator("section.watch-changes h3")).toBeVisible();
      await checkPage(p, lang, size);
      const table = p.locator("details.checks-table");
      await table.locator("summary").click();
      const rows = table.locator("tbody tr");
      await expect(rows).toHaveCount(bars);
      await expect(rows.first().locator("td").nth(1)).toHaveText(/^-?\d+$/);
      await checkPage(p, lang, size);

      // The newest check opens in the report view, at its own address.
      const link = rows.first().locator("a.check-link");
      const href = (await link.getAttribute("href"))!;
      expect(href).toMatch(/^\/watch\/expired\.mxray\.test\/\d+$/);
      await link.click();
      await expect(p).toHaveURL(new RegExp(`${href}$`));
      await expect(p.locator(".results .status .verdict")).toContainText("expired.mxray.test", { timeout: 30_000 });
      await expect(p.locator(".saved-mark .badge")).toHaveText(words.stored);
      await expect(p.locator("article.host").first()).toBeVisible();
      await expect(p).toHaveURL(new RegExp(`${href}$`));
      await expect(p.locator("nav.crumbs a").nth(1)).toHaveAttribute("href", "/watch/expired.mxray.test");
      await checkPage(p, lang, size);
      await p.context().close();
    });
  }
}

test("the language switch changes the view in place, and the check page links to it", async ({ browser }) => {
  const p = await page(browser, "desktop", "en");
  await open(p, "/");
  await p.locator("footer a.monitoring-link").click();
  await expect(p).toHaveURL(/\/watch$/);
  await listAfterFirstCycle(p, "en");
  const relay = p.locator('article.watched[data-domain="openrelay.mxray.test"]');
  await expect(relay.locator(".open-lines")).toContainText("Open relay");
  // Marks the document: a reload would lose it.
  await p.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));
  await p.locator('.lang-switch a[hreflang="de"]').click();
  await expect(p.locator("h2.watch-title")).toHaveText("Überwachung");
  await expect(relay.locator(".watch-status .label")).toHaveText("kritisch");
  await expect(relay.locator(".open-lines")).toContainText("Offenes Relay");
  await expect(relay.locator("dt").first()).toHaveText("Zuletzt geprüft");
  expect(await p.evaluate(() => (window as unknown as { kept?: boolean }).kept)).toBe(true);
  await p.context().close();
});

test("without JavaScript the list and a timeline are in the page as the server sent it", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const p = await context.newPage();
  await p.goto("/watch");
  await expect(p.locator("article.watched")).toHaveCount(WATCHED.length);
  await expect(p.locator(".loading")).toHaveCount(0);
  await p.goto("/watch/openrelay.mxray.test");
  await expect(p.locator('figure[data-chart="severity"] rect.bar')).not.toHaveCount(0);
  await expect(p.locator("details.checks-table tbody tr a.check-link")).not.toHaveCount(0);
  await context.close();
});

test.describe("a server without --watch", () => {
  const address = process.env.MXRAY_E2E_OFF_ADDR ?? "127.0.0.1:3002";
  let server: ChildProcess | undefined;

  test.beforeAll(async () => {
    const bin = process.env.MXRAY_E2E_BIN;
    test.skip(!bin, "MXRAY_E2E_BIN (set by end2end/run.sh) names the server binary");
    const env = { ...process.env, LEPTOS_SITE_ADDR: address };
    for (const name of ["MXRAY_WATCH", "MXRAY_DATABASE", "MXRAY_WATCH_EVERY", "MXRAY_CERT_DAYS", "MXRAY_KEEP"]) delete env[name];
    // Its log goes nowhere (the main server's fills the output already); a failed start is told by
    // its exit code.
    server = spawn(bin!, [], { cwd: process.env.MXRAY_E2E_ROOT, env, stdio: "ignore" });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`http://${address}/`)).ok) break;
      } catch {
        // not listening yet
      }
      if (server.exitCode !== null) throw new Error(`the server without --watch exited with ${server.exitCode}`);
      if (Date.now() > deadline) throw new Error(`the server without --watch did not come up at ${address}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  test.afterAll(async () => {
    server?.kill("SIGTERM");
  });

  for (const lang of ["en", "de"] as Lang[]) {
    test(`says monitoring is off and how to start it, and links nowhere (${lang})`, async ({ browser }) => {
      for (const size of Object.keys(SIZES) as Size[]) {
        const p = await page(browser, size, lang);
        await open(p, `http://${address}/watch?lang=${lang}`);
        await expect(p.locator("html")).not.toHaveAttribute("data-monitoring");
        await expect(p.locator(".watch-off")).toContainText(WORDS[lang].off);
        await expect(p.locator(".watch-off code")).toHaveText("mxray serve --watch FILE");
        await expect(p.locator("footer a.monitoring-link")).toHaveCount(0);
        await checkPage(p, lang, size);
        await open(p, `http://${address}/watch/openrelay.mxray.test/1?lang=${lang}`);
        await expect(p.locator(".watch-off")).toContainText(WORDS[lang].off);
        await checkPage(p, lang, size);
        await p.context().close();
      }
    });
  }
});

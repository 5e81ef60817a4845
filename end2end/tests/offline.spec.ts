// Export, re-open, compare, kept reports and the app offline (issue 4), against the real server and
// the loopback test world of end2end/run.sh.
import { test, expect, Page } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { check, expectStep, host, open, verdict } from "./helpers";

/** The report contract's top-level keys. */
const REPORT_KEYS = [
  "checked_at",
  "complete",
  "dns",
  "domain",
  "duration_ms",
  "egress",
  "findings",
  "input",
  "mx",
  "mx_source",
  "policies",
  "schema",
];
/** A made-up address for the exported HTML page, served by the test itself. */
const EXPORT_URL = "http://export.mxray.invalid/report.html";

/** Runs a check from the form and waits for its verdict. */
async function finished(page: Page, domain: string): Promise<void> {
  await check(page, domain);
  await expect(verdict(page)).toContainText(domain, { timeout: 30_000 });
}

/** Clicks a download button of the export bar; returns the file's name and text. */
async function exported(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("section.export").getByRole("button", { name: button, exact: true }).click(),
  ]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), "utf8") };
}

/** Chooses a file through the file chooser that `button` opens. */
async function choose(page: Page, button: string, file: { name: string; text: string; mimeType?: string }) {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: button }).click()]);
  await chooser.setFiles({ name: file.name, mimeType: file.mimeType ?? "application/json", buffer: Buffer.from(file.text) });
}

/** Waits until the service worker is active and controls the page. */
async function serviceWorkerReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve));
    }
  });
}

test("JSON, HTML and Markdown downloads are built in the browser in the page's language", async ({ page, context }) => {
  await open(page, "/");
  await finished(page, "openrelay.mxray.test");

  const json = await exported(page, "JSON");
  expect(json.name).toMatch(/^mxray-openrelay\.mxray\.test-\d{8}T\d{6}Z\.json$/);
  const report = JSON.parse(json.text);
  expect(report.schema).toBe("mxray.report.v1");
  expect(Object.keys(report).sort()).toEqual(REPORT_KEYS);
  expect(report.domain).toBe("openrelay.mxray.test");
  expect(report.complete).toBe(true);
  expect(report.mx[0].host).toBe("mx.openrelay.mxray.test");
  expect(report.mx[0].addresses[0].open_relay.outcome).toBe("accepted");
  expect(report.mx[0].addresses[0].findings.map((f: { code: string }) => f.code)).toContain("open_relay");

  const md = await exported(page, "Markdown summary");
  expect(md.name).toBe(json.name.replace(/\.json$/, ".md"));
  expect(md.text).toContain("mx.openrelay.mxray.test");
  expect(md.text).toContain("Open relay");

  // The HTML page in German, because the page is read in German now.
  await page.getByRole("link", { name: "Deutsch" }).click();
  await expect(page.locator("section.export h2")).toHaveText("Bericht herunterladen");
  const html = await exported(page, "HTML-Seite");
  expect(html.name).toBe(json.name.replace(/\.json$/, ".html"));
  expect(html.text).toContain('<html lang="de">');
  expect(html.text).toContain('id="mxray-report"');

  // It opens with every request blocked but its own, and asks for nothing else.
  const viewer = await context.newPage();
  const asked: string[] = [];
  await viewer.route("**/*", (route) => {
    if (route.request().url() === EXPORT_URL) return route.fulfill({ body: html.text, contentType: "text/html" });
    asked.push(route.request().url());
    return route.abort();
  });
  await viewer.goto(EXPORT_URL);
  await expect(viewer.locator("body")).toContainText("mx.openrelay.mxray.test");
  await expect(viewer.locator("body")).toContainText("Offenes Relay");
  await expect(viewer.locator("body")).toContainText("STARTTLS");
  await expect(viewer.locator("script[src], link[href], img, iframe, object")).toHaveCount(0);
  expect(asked).toEqual([]);
  await viewer.close();
});

test("a saved JSON or HTML file opens like the live result, marked as saved", async ({ page }) => {
  await open(page, "/");
  await finished(page, "good.mxray.test");
  const json = await exported(page, "JSON");
  const html = await exported(page, "HTML page");
  const checkedAt = JSON.parse(json.text).checked_at as string;

  await open(page, "/");
  await expect(verdict(page)).toHaveCount(0);
  await choose(page, "Choose a file …", json);
  const mark = page.locator(".saved-mark");
  await expect(mark).toContainText("Saved report");
  await expect(mark).toContainText(json.name);
  await expect(mark.locator("time")).toHaveAttribute("datetime", checkedAt);
  await expect(verdict(page)).toContainText("good.mxray.test");
  const card = host(page, "mx.good.mxray.test");
  for (const step of ["tcp", "banner", "ehlo", "starttls", "certificate", "open_relay"]) {
    await expectStep(card, step, "ok");
  }
  await expect(page.locator("section.export")).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  await choose(page, "Choose a file …", { ...html, mimeType: "text/html" });
  await expect(mark).toContainText(html.name);
  await expect(verdict(page)).toContainText("good.mxray.test");

  // Dropped on the drop zone.
  const dropped = await page.evaluateHandle((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], "dropped.json", { type: "application/json" }));
    return data;
  }, json.text);
  await page.dispatchEvent(".drop-zone", "drop", { dataTransfer: dropped });
  await expect(mark).toContainText("dropped.json");

  // Files that are not reports are explained.
  const problem = page.locator(".open-report .file-problem");
  await choose(page, "Choose a file …", { name: "notes.txt", text: "hello", mimeType: "text/plain" });
  await expect(problem).toContainText("This file holds no mxray report");
  await choose(page, "Choose a file …", { name: "other.json", text: '{"hello": 1}' });
  await expect(problem).toContainText("This file is not an mxray report");
  await choose(page, "Choose a file …", { name: "v9.json", text: json.text.replace("mxray.report.v1", "mxray.report.v9") });
  await expect(problem).toContainText("mxray.report.v9");
  await expect(mark).toContainText("dropped.json");
});

test("comparing with an earlier report lists what changed; another domain is refused", async ({ page }) => {
  await open(page, "/");
  await finished(page, "openrelay.mxray.test");
  const now = JSON.parse((await exported(page, "JSON")).text);

  // The same domain a day earlier, when it still refused to relay.
  const before = structuredClone(now);
  before.checked_at = new Date(Date.parse(now.checked_at) - 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  const address = before.mx[0].addresses[0];
  address.open_relay.outcome = "refused";
  address.findings = address.findings.filter((f: { code: string }) => f.code !== "open_relay");
  await choose(page, "Compare with a file …", { name: "before.json", text: JSON.stringify(before) });

  const changes = page.locator("section.compare ul.changes li.change");
  const opened = changes.filter({ hasText: "Now an open relay" });
  await expect(opened).toHaveAttribute("data-trend", "worse");
  await expect(opened.locator(".where")).toHaveText(/^mx\.openrelay\.mxray\.test \(127\.0\.0\.\d+\)$/);
  await expect(changes.filter({ hasText: "New finding: Open relay (critical)" })).toHaveCount(1);
  await expect(page.locator("section.compare .compare-dates time").first()).toHaveAttribute("datetime", before.checked_at);

  await page.getByRole("link", { name: "Deutsch" }).click();
  await expect(changes.filter({ hasText: "Jetzt ein offenes Relay" })).toHaveCount(1);
  await page.getByRole("link", { name: "English" }).click();

  const elsewhere = { ...now, domain: "other.mxray.test" };
  await choose(page, "Compare with a file …", { name: "other.json", text: JSON.stringify(elsewhere) });
  await expect(page.locator("section.compare .problem")).toContainText(
    "Only reports of the same domain can be compared",
  );
  await expect(changes).toHaveCount(0);
  await page.getByRole("button", { name: "Close comparison" }).click();
  await expect(page.locator("section.compare .problem")).toHaveCount(0);
});

test("finished checks are kept in this browser, if wanted, and can be opened, compared and deleted", async ({ page }) => {
  await open(page, "/");
  await finished(page, "good.mxray.test");
  const kept = page.locator("section.kept li.kept-report");
  await expect(kept).toHaveCount(1);
  await expect(kept.first()).toHaveAttribute("data-domain", "good.mxray.test");
  await expect(kept.first()).toHaveAttribute("aria-current", "true");
  await expect(kept.first().locator(".kept-verdict")).toHaveAttribute("data-severity", /^(ok|info)$/);

  await finished(page, "good.mxray.test");
  await expect(kept).toHaveCount(2);
  await kept.nth(1).getByRole("button", { name: /^Compare: good\.mxray\.test/ }).click();
  await expect(page.locator("section.compare .compare-dates")).toBeVisible();

  await page.getByRole("checkbox", { name: "Keep reports in this browser" }).uncheck();
  await finished(page, "openrelay.mxray.test");
  await expect(kept).toHaveCount(2);
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Keep reports in this browser" })).not.toBeChecked();
  await expect(kept).toHaveCount(2);

  await kept.first().getByRole("button", { name: /^Open: / }).click();
  await expect(page.locator(".saved-mark")).toContainText("Saved report");
  await expect(host(page, "mx.good.mxray.test")).toBeVisible();
  await kept.first().getByRole("button", { name: /^Delete: / }).click();
  await expect(kept).toHaveCount(1);
  await page.getByRole("button", { name: "Delete all" }).click();
  await expect(page.locator("section.kept .none-kept")).toHaveText("No reports kept yet.");
});

test("offline after one visit, the app reloads, lists and opens kept reports, and explains the Test button", async ({
  page,
  context,
}) => {
  await open(page, "/");
  await serviceWorkerReady(page);
  await finished(page, "good.mxray.test");
  await expect(page.locator("section.kept li.kept-report")).toHaveCount(1);

  await context.setOffline(true);
  await offlineReload(page, "/");
  await expect(page.locator(".offline-notice")).toContainText("You are offline");
  const kept = page.locator('section.kept li.kept-report[data-domain="good.mxray.test"]');
  await expect(kept).toHaveCount(1);
  await kept.getByRole("button", { name: /^Open: / }).click();
  await expect(page.locator(".saved-mark")).toContainText("Saved report");
  await expectStep(host(page, "mx.good.mxray.test"), "starttls", "ok");

  await check(page, "good.mxray.test");
  await expect(page.locator(".status .problem")).toContainText("the browser is offline");

  // A shared address offline: the kept page stands in for it, and the check explains itself.
  await offlineReload(page, "/check/good.mxray.test");
  await expect(page.locator(".status .problem")).toContainText("a live check needs the network");
  await context.setOffline(false);
});

/** Loads `path` with the network off: the page must come from the service worker's cache. */
async function offlineReload(page: Page, path: string): Promise<void> {
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  const response = await page.goto(path);
  expect(response?.fromServiceWorker()).toBe(true);
  await expect(page.locator('form.check-form[data-ready="true"]')).toBeAttached();
}

test("the service worker keeps one cache named after this deployment, drops older ones and never keeps live checks", async ({
  page,
  request,
}) => {
  // A cache as an earlier deployment would have left it, and one that is none of the app's business.
  await page.addInitScript(() => {
    void caches.open("mxray-shell-0123456789abcdef");
    void caches.open("another-app");
  });
  await open(page, "/");
  await serviceWorkerReady(page);
  const version = /"version":"([0-9a-f]{16})"/.exec(await (await request.get("/sw.js")).text())?.[1];
  expect(version).toBeDefined();
  await finished(page, "good.mxray.test");
  const api = await page.evaluate(async () => (await fetch("/api/v1/check?domain=good.mxray.test")).text());
  expect(api).toContain('"type":"done"');

  const kept = await page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
    }
    return out;
  });
  expect(Object.keys(kept).sort()).toEqual(["another-app", `mxray-shell-${version}`]);
  const paths = kept[`mxray-shell-${version}`];
  expect(paths).toContain("/");
  expect(paths).toContain("/manifest.webmanifest");
  for (const kind of [/^\/pkg\/.*\.js$/, /^\/pkg\/.*\.wasm$/, /^\/pkg\/.*\.css$/, /^\/icons\/.*\.png$/]) {
    expect(paths.some((p) => kind.test(p)), `${kind} kept`).toBe(true);
  }
  expect(paths.filter((p) => p.startsWith("/api/"))).toEqual([]);
});

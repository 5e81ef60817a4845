// The page against the real server, the loopback DNS zone `mxray.test` and fake mail servers.
import { test, expect } from "@playwright/test";
import { check, chip, eachAddress, expectStep, host, open, slowMx, verdict } from "./helpers";

test("the fast MX's TLS result shows while the slow MX is still pending", async ({ page }) => {
  await open(page, "/");
  await expect(page.locator("#domain")).toBeFocused();
  // The slow MX holds its banner until this test releases it, so "still pending" is a fact here,
  // not a bet that the fast MX finishes within the slow one's delay. Released in any case: the
  // next tests need it (and mxray's step timeout would end a hold beyond 10 s).
  await slowMx("hold");
  try {
    await check(page, "progressive.mxray.test");
    const fast = host(page, "fast.progressive.mxray.test");
    const slow = host(page, "slow.progressive.mxray.test");
    await expectStep(fast, "starttls", "ok");
    await expectStep(fast, "certificate", "ok");
    await expectStep(slow, "banner", "pending");
    await expectStep(slow, "starttls", "pending");
    await expect(page.locator(".status .progress")).toBeVisible();
    await page.screenshot({ path: "test-results/progressive-running.png", fullPage: true });
  } finally {
    await slowMx("release");
  }

  await expect(verdict(page)).toBeVisible({ timeout: 30_000 });
  await expectStep(host(page, "slow.progressive.mxray.test"), "starttls", "ok");
  await expect(page).toHaveURL(/\/check\/progressive\.mxray\.test$/);
  await page.screenshot({ path: "test-results/progressive-done.png", fullPage: true });
});

test("a good domain ends with a calm verdict and folded details", async ({ page }) => {
  await open(page, "/");
  await check(page, "Postmaster@Good.MXRAY.test");
  const line = verdict(page);
  await expect(line).toContainText("good.mxray.test");
  await expect(line).toHaveAttribute("data-severity", /^(ok|info)$/);
  const card = host(page, "mx.good.mxray.test");
  for (const step of ["tcp", "banner", "ehlo", "starttls", "certificate", "open_relay"]) {
    await expectStep(card, step, "ok");
  }
  await eachAddress(card, async (address, ip) => {
    await expect(address.locator(".family"), ip).toHaveText("IPv4");
  });

  const details = card.locator("details.address-details").first();
  await expect(details).not.toHaveAttribute("open", "");
  await details.locator("summary").click();
  await expect(details).toContainText("Encryption can be switched on");
  await expect(details).toContainText("TLSv1.3");
  await expect(details).toContainText("SHA-256 fingerprint");
  await expect(details).toContainText("Reply to RCPT TO");
  await expect(details.locator("table.transcript tr[data-dir='C:']").first()).toContainText("EHLO");
  // TLS quality as a table: a header row, then one row per aspect with its row header.
  const quality = details.locator("table.quality");
  await expect(quality.locator("thead th[scope='col']")).toHaveCount(3);
  await expect(quality.locator("tbody tr th[scope='row']").first()).toBeVisible();
  expect(await quality.locator("tbody tr").count()).toBeGreaterThan(2);
});

test("an open relay and an expired certificate are critical with a remedy", async ({ page }) => {
  await open(page, "/");
  await check(page, "openrelay.mxray.test");
  await expect(verdict(page)).toHaveAttribute("data-severity", "critical");
  const relay = host(page, "mx.openrelay.mxray.test");
  await expectStep(relay, "open_relay", "critical");
  await expectStep(relay, "starttls", "critical");
  const finding = page.locator('.severity[data-severity="critical"] li.finding[data-code="open_relay"]');
  await expect(finding.locator(".remedy")).toContainText("relay");

  await check(page, "expired.mxray.test");
  const expired = host(page, "mx.expired.mxray.test");
  await eachAddress(expired, async (address, ip) => {
    await expect(chip(address, "certificate"), ip).toHaveAttribute("data-mark", "critical");
    await expect(chip(address, "certificate"), ip).toContainText("expired");
  });
  await expect(page.locator('li.finding[data-code="certificate_expired"] .remedy')).toContainText("SAN");
});

test("null MX and implicit MX read as sentences", async ({ page }) => {
  await open(page, "/check/nullmx.mxray.test");
  await expect(page.locator(".dns-sentence")).toContainText("null MX");
  await expect(verdict(page)).toBeVisible();
  await expect(page.locator("article.host")).toHaveCount(0);

  await open(page, "/check/implicit.mxray.test");
  await expect(page.locator(".dns-sentence")).toContainText("implicit MX");
  await expect(verdict(page)).toBeVisible();
});

test("invalid input is explained under the field and sends nothing", async ({ page }) => {
  const checks: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/")) checks.push(r.url());
  });
  await open(page, "/");
  await check(page, "not a domain");
  const problem = page.locator("#domain-problem");
  await expect(problem).toHaveText("the input contains whitespace");
  await expect(page.locator("#domain")).toHaveAttribute("aria-invalid", "true");
  await check(page, "192.0.2.1");
  await expect(problem).toContainText("IP addresses cannot be tested");
  await page.getByRole("link", { name: "Deutsch" }).click();
  await expect(problem).toContainText("IP-Adressen lassen sich nicht testen");
  await page.locator("#domain").fill("good.mxray.test");
  await expect(problem).toBeEmpty();
  expect(checks).toEqual([]);
});

test("/check/{domain} starts the check by itself", async ({ page }) => {
  await page.goto("/check/good.mxray.test");
  await expect(page.locator("#domain")).toHaveValue("good.mxray.test");
  await expect(verdict(page)).toContainText("good.mxray.test");
});

test("the language follows Accept-Language and the switch, which is remembered", async ({ browser }) => {
  const german = await browser.newContext({ locale: "de-DE" });
  const page = await german.newPage();
  await open(page, "/");
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.locator("label[for=domain]")).toHaveText("Domain oder E-Mail-Adresse");
  await expect(page.getByRole("button", { name: "Testen" })).toBeVisible();

  await page.getByRole("link", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("button", { name: "Test", exact: true })).toBeVisible();
  await expect(page).toHaveTitle("mxray – SMTP/MX test");
  await page.reload();
  await expect(page.locator("label[for=domain]")).toHaveText("Domain or e-mail address");

  await page.getByRole("link", { name: "Deutsch" }).click();
  await check(page, "good.mxray.test");
  await expect(verdict(page)).toContainText("Keine Probleme bei good.mxray.test gefunden");
  await expect(page.locator(".findings h2")).toHaveText("Befunde");
  await german.close();
});

test("without JavaScript the page still renders up to the form", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/check/good.mxray.test");
  await expect(page.locator("#domain")).toHaveValue("good.mxray.test");
  await expect(page.locator("noscript")).toBeAttached();
  await expect(page.getByRole("button", { name: "Test" })).toBeVisible();
  await context.close();
});

test("usable on a phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme: "dark" });
  const page = await context.newPage();
  await open(page, "/check/openrelay.mxray.test");
  await expect(verdict(page)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "test-results/phone-dark.png", fullPage: true });
  await context.close();
});

test("a refused check is explained in the page's language", async ({ page }) => {
  await page.route("**/api/check", (route) =>
    route.fulfill({
      status: 429,
      headers: { "retry-after": "42" },
      contentType: "application/json",
      body: JSON.stringify({ error: "Too many checks", code: "rate_limited", retry_after_secs: 42 }),
    }),
  );
  await open(page, "/?lang=de");
  await check(page, "good.mxray.test");
  await expect(page.locator(".status .problem")).toContainText("Bitte 42 s warten");
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.locator(".status .problem")).toContainText("Please wait 42 s and try again");
});

test("the page runs under its Content-Security-Policy without errors", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  const res = await page.goto("/");
  expect(res?.headers()["content-security-policy"]).toContain("'wasm-unsafe-eval'");
  await expect(page.locator('form.check-form[data-ready="true"]')).toBeAttached();
  await check(page, "good.mxray.test");
  await expect(verdict(page)).toBeVisible();
  expect(errors).toEqual([]);
});

test("an internationalised name is converted like the server does it", async ({ page }) => {
  await open(page, "/");
  await check(page, "Postmaster@Bücher.example");
  await expect(page).toHaveURL(/\/check\/xn--bcher-kva\.example$/);
  await expect(verdict(page)).toContainText("xn--bcher-kva.example");
});

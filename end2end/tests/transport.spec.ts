// The views of the policy and depth checks (issues 8 and 9): the Transport security card, the
// per-address chips (DANE, TLS versions, PTR, blocklists) and the Advanced fold of the form, against
// the loopback test world of end2end/run.sh (the blocklist bl.mxray.test listing openrelay's server,
// MTA-STS and TLS-RPT records for openrelay.mxray.test). DANE and reverse DNS cannot happen on
// loopback (no signed zone there; no reverse DNS for loopback addresses): their chips are shown
// from a saved report.
import { test, expect, Locator, Page } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { aspect, check, eachAddress, host, open, verdict } from "./helpers";

/** A chip of the Transport security card. */
function policy(page: Page, name: string): Locator {
  return page.locator(`section.transport [data-aspect="${name}"]`);
}

async function finished(page: Page, domain: string): Promise<void> {
  await check(page, domain);
  await expect(verdict(page)).toContainText(domain, { timeout: 30_000 });
}

test("the Transport security card follows the MX cards, opens when something is wrong and says what each policy record holds", async ({ page }) => {
  await open(page, "/");
  await finished(page, "openrelay.mxray.test");
  const card = page.locator("section.transport");
  await expect(card.locator("h2")).toHaveText("Transport security");
  // After the last host card: the verdict and the hosts come first (issue 21).
  const order = await page.evaluate(() => {
    const transport = document.querySelector("section.transport")!;
    const hostCards = document.querySelectorAll("article.host");
    return hostCards[hostCards.length - 1].compareDocumentPosition(transport) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  expect(order).toBeTruthy();
  // The policy host is unreachable: the card is open, not folded.
  await expect(card.locator("details")).toHaveAttribute("open", "");
  // The record is published, but the policy host has no address: senders act as without MTA-STS.
  await expect(policy(page, "mta_sts")).toHaveAttribute("data-mark", "warning");
  await expect(policy(page, "mta_sts")).toContainText("policy not available");
  await expect(card).toContainText("https://mta-sts.openrelay.mxray.test/.well-known/mta-sts.txt");
  await expect(policy(page, "tls_rpt")).toContainText("valid");
  await expect(policy(page, "tls_rpt")).toHaveAttribute("data-mark", "ok");
  await expect(card.locator("dl.targets")).toContainText("mailto:tls-reports@openrelay.mxray.test");
  await expect(page.locator('li.finding[data-code="mta_sts_policy_unavailable"]')).toHaveCount(1);

  await page.getByRole("link", { name: "Deutsch" }).click();
  await expect(card.locator("h2")).toHaveText("Transportsicherheit");
  await expect(policy(page, "mta_sts")).toContainText("Policy nicht abrufbar");
  await page.screenshot({ path: "test-results/transport-openrelay.png", fullPage: true });
});

test("a domain without MTA-STS says so calmly", async ({ page }) => {
  await open(page, "/");
  await finished(page, "good.mxray.test");
  await expect(policy(page, "mta_sts")).toContainText("not published");
  await expect(policy(page, "mta_sts")).not.toHaveAttribute("data-mark", /warning|critical/);
  await expect(policy(page, "tls_rpt")).toContainText("not published");
  // Nothing in it is wrong: folded to its title and the two marks.
  await expect(page.locator("section.transport details")).not.toHaveAttribute("open", "");
  await expect(page.locator("section.transport .transport-marks")).toBeVisible();
});

test("each address shows its blocklist answers and TLS versions as chips", async ({ page }) => {
  await open(page, "/");
  await finished(page, "good.mxray.test");
  const good = host(page, "mx.good.mxray.test");
  await eachAddress(good, async (address, ip) => {
    await expect(aspect(address, "dnsbl"), ip).toHaveAttribute("data-mark", "ok");
    await expect(aspect(address, "dnsbl"), ip).toContainText("not listed (1)");
    await expect(aspect(address, "tls_versions"), ip).toContainText("TLSv1.3");
  });
  // The details hold the sections behind the chips.
  const details = good.locator("details.address-details").first();
  await details.locator("summary").click();
  await expect(details.locator("section.detail h3", { hasText: "TLS versions" })).toHaveCount(1);
  await expect(details.locator("section.detail h3", { hasText: "Blocklists" })).toHaveCount(1);
  await expect(details.locator("dt", { hasText: "bl.mxray.test" })).toHaveCount(1);
  await page.screenshot({ path: "test-results/details-good.png", fullPage: true });

  await finished(page, "openrelay.mxray.test");
  const relay = host(page, "mx.openrelay.mxray.test");
  await eachAddress(relay, async (address, ip) => {
    await expect(aspect(address, "dnsbl"), ip).toHaveAttribute("data-mark", "warning");
    await expect(aspect(address, "dnsbl"), ip).toContainText("listed: bl.mxray.test");
  });
  await expect(page.locator('li.finding[data-code="dnsbl_listed"]')).toContainText("Listed for the browser tests");
});

test("a DANE match and reverse DNS in a saved report show as chips, in both languages", async ({ page }) => {
  await open(page, "/");
  await finished(page, "good.mxray.test");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("section.export").getByRole("button", { name: "JSON", exact: true }).click(),
  ]);
  const report = JSON.parse(await readFile(await download.path(), "utf8"));
  const record = { usage: 3, selector: 1, matching: 1, data: "ab".repeat(32) };
  report.mx[0].dane = { name: "_25._tcp.mx.good.mxray.test", tlsa: { status: "secure" }, records: [record] };
  for (const address of report.mx[0].addresses) {
    address.dane = { outcome: "matched", matched: record, depth: 0 };
    // The live check's DANE findings (the loopback zone is unsigned) do not belong to this match.
    address.findings = address.findings.filter((f: { code: string }) => !f.code.startsWith("dane_"));
    address.reverse_dns = { names: [{ name: "mx.good.mxray.test", forward: { kind: "confirmed" }, addresses: [address.ip] }] };
  }

  await open(page, "/");
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: "Choose a file …" }).click(),
  ]);
  await chooser.setFiles({ name: "dane.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(report)) });
  const good = host(page, "mx.good.mxray.test");
  await eachAddress(good, async (address, ip) => {
    await expect(aspect(address, "dane"), ip).toHaveAttribute("data-mark", "ok");
    await expect(aspect(address, "dane"), ip).toContainText("matches (DANE-EE)");
    await expect(aspect(address, "ptr"), ip).toHaveAttribute("data-mark", "ok");
    await expect(aspect(address, "ptr"), ip).toContainText("mx.good.mxray.test");
  });
  await page.getByRole("link", { name: "Deutsch" }).click();
  await eachAddress(good, async (address, ip) => {
    await expect(aspect(address, "dane"), ip).toContainText("passt (DANE-EE)");
  });
});

test("the Advanced fold offers the ports, 25 by default, and never none", async ({ page }) => {
  await open(page, "/");
  const fold = page.locator("form.check-form details.advanced");
  await expect(fold).not.toHaveAttribute("open", "");
  await fold.locator("summary").click();
  const port = (n: number) => fold.getByRole("checkbox", { name: String(n), exact: true });
  await expect(port(25)).toBeChecked();
  await expect(port(465)).not.toBeChecked();
  await expect(port(587)).not.toBeChecked();
  // The only chosen port cannot be unchosen.
  await expect(port(25)).toBeDisabled();
  await port(587).check();
  await expect(port(25)).toBeEnabled();
  await port(25).uncheck();
  await expect(port(587)).toBeDisabled();
  await expect(fold).toContainText("587: submission with STARTTLS");
  await page.getByRole("link", { name: "Deutsch" }).click();
  await expect(fold.locator("summary")).toHaveText("Erweitert");
  await expect(port(587)).toBeChecked();
});

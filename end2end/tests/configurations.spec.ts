// Real configurations named as they are (issue 23), read at phone width in both languages: a firewall
// whose SMTP inspection hides ESMTP, and an MTA-STS record typed with its quotes, which senders ignore.
import { test, expect, Browser, Page } from "@playwright/test";
import { open, verdict } from "./helpers";

const PHONE = { width: 360, height: 740 };

/** A phone-sized page in `lang`, showing the finished check of firewall.mxray.test. */
async function firewallOnPhone(browser: Browser, lang: "en" | "de"): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, locale: lang === "de" ? "de-DE" : "en-US" });
  const page = await context.newPage();
  await open(page, `/check/firewall.mxray.test?lang=${lang}`);
  await expect(verdict(page)).toContainText("firewall.mxray.test", { timeout: 30_000 });
  return page;
}

/** The finding with `code`, as listed on the page. */
function finding(page: Page, code: string) {
  return page.locator(`.findings li.finding[data-code="${code}"]`);
}

test("a firewall that hides ESMTP is named, not the mail server (phone, English)", async ({ browser }) => {
  const page = await firewallOnPhone(browser, "en");
  const firewall = finding(page, "smtp_inspection");
  await expect(firewall).toBeVisible();
  await expect(firewall).toContainText("A firewall in front of the server rewrites SMTP");
  await expect(firewall).toContainText("Cisco ASA/PIX");
  await expect(firewall.locator(".remedy")).toContainText("no inspect esmtp");
  await expect(page.locator('.findings section[data-severity="critical"] li[data-code="smtp_inspection"]')).toHaveCount(1);
  await expect(finding(page, "ehlo_refused")).toHaveCount(0);
  await expect(finding(page, "starttls_not_offered")).toHaveCount(0);

  const ignored = finding(page, "mta_sts_record_ignored");
  await expect(ignored).toBeVisible();
  await expect(ignored).toContainText("MTA-STS record published, but ignored by senders");
  await expect(ignored).toContainText("it begins with a quote");
  await expect(finding(page, "mta_sts_missing")).toHaveCount(0);

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.context().close();
});

test("the same, in German at phone width", async ({ browser }) => {
  const page = await firewallOnPhone(browser, "de");
  await expect(finding(page, "smtp_inspection")).toContainText("Eine Firewall vor dem Server schreibt SMTP um");
  await expect(finding(page, "smtp_inspection").locator(".remedy")).toContainText("no fixup protocol smtp");
  const ignored = finding(page, "mta_sts_record_ignored");
  await expect(ignored).toContainText("MTA-STS-Eintrag veröffentlicht, aber von Absendern ignoriert");
  await expect(ignored).toContainText("Anführungszeichen");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.context().close();
});

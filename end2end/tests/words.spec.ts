// The page as a postmaster reads it (issue 21), at desktop and phone width, in English and German:
// a verdict that names the worst findings with where and links to them; no English on the German
// page; counts in proper grammar; a valid TLS-RPT record marked ✔; on a phone the verdict and the
// hosts before the transport-security panel, which folds when nothing in it is wrong; a resolver
// without DNSSEC data said once; and no axe-core violations.
import { test, expect, Browser, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { readFile } from "node:fs/promises";
import { open, verdict } from "./helpers";

type Lang = "en" | "de";
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 360, height: 740 } } as const;
type Size = keyof typeof SIZES;

/** A page of `size` in `lang` showing the finished check of `domain`. */
async function checked(browser: Browser, size: Size, lang: Lang, domain: string): Promise<Page> {
  const context = await browser.newContext({ viewport: SIZES[size], locale: lang === "de" ? "de-DE" : "en-US" });
  const page = await context.newPage();
  await open(page, `/check/${domain}?lang=${lang}`);
  await expect(verdict(page)).toContainText(domain, { timeout: 30_000 });
  return page;
}

/** The page's own words: the results without transcripts, code, and quoted server replies. */
async function ownWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const results = document.querySelector(".results")!.cloneNode(true) as HTMLElement;
    results.querySelectorAll("pre, code, .transcript, q").forEach((e) => e.remove());
    const lines: string[] = [];
    results.querySelectorAll("p, li, dt, dd, h2, h3, summary, span.state, span.name").forEach((e) => {
      const text = (e.textContent ?? "")
        .replace(/"[^"]*"|„[^“]*“|“[^”]*”|«[^»]*»|'[^']*'/g, " ")
        // Names: hosts, addresses, URLs, mail addresses, options.
        .replace(/\S*[.:@/]\S*|--[\w-]+/g, " ");
      if (text.trim()) lines.push(text.trim());
    });
    return lines;
  });
}

/** Words that are English and never German. */
const ENGLISH = /\b(the|is|are|not|and|of|with|does|could|has|have|this|which|from|through|either|should|would|been|its|for|to|by|on|at|or|but|only|when|because|there|than)\b/i;

async function axeClean(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

for (const size of Object.keys(SIZES) as Size[]) {
  for (const lang of ["en", "de"] as Lang[]) {
    test(`the verdict names the open relay with where and links to it (${size}, ${lang})`, async ({ browser }) => {
      const page = await checked(browser, size, lang, "openrelay.mxray.test");
      const line = verdict(page);
      const named = line.locator('a[data-code="open_relay"]');
      const words = lang === "en" ? /^Open relay at mx\.openrelay\.mxray\.test \(127\.0\.0\.\d+\)$/ : /^Offenes Relay bei mx\.openrelay\.mxray\.test \(127\.0\.0\.\d+\)$/;
      await expect(named).toHaveText(words);
      await expect(line).toContainText(lang === "en" ? "Mail to openrelay.mxray.test is at risk: " : "Mail an openrelay.mxray.test ist gefährdet: ");
      // Counts in the sentence are grammar, not a tally of severities.
      await expect(line).not.toContainText(/\d+ (critical|kritisch),/);
      const also = lang === "en" ? /Also: (1 warning|[02-9]\d* warnings)\./ : /Außerdem: (1 Warnung|[02-9]\d* Warnungen)\./;
      await expect(line).toContainText(also);
      // The link lands on the finding it names.
      const target = (await named.getAttribute("href"))!;
      expect(target).toMatch(/^#finding-\d+$/);
      await named.click();
      const entry = page.locator(`li.finding${target}`);
      await expect(entry).toHaveAttribute("data-code", "open_relay");
      await expect(entry).toBeInViewport();
      // TLS-RPT is valid here: ✔, not the neutral mark.
      await expect(page.locator('section.transport [data-aspect="tls_rpt"]')).toHaveAttribute("data-mark", "ok");
      // On any width: the verdict first, then the hosts, then the transport-security panel.
      const top = async (selector: string) => (await page.locator(selector).first().boundingBox())!.y;
      expect(await top(".results .status")).toBeLessThan(await top("article.host"));
      expect(await top("article.host")).toBeLessThan(await top("section.transport"));
      if (lang === "de") {
        const english = (await ownWords(page)).filter((l) => ENGLISH.test(l));
        expect(english, "English on the German page").toEqual([]);
      }
      const text = await page.locator(".results").innerText();
      expect(text).not.toMatch(/\w\((s|e|en)\)/);
      await axeClean(page);
      await page.context().close();
    });

    test(`a healthy domain: one host in proper grammar, the panel folded to one line (${size}, ${lang})`, async ({ browser }) => {
      const page = await checked(browser, size, lang, "good.mxray.test");
      const sentence = page.locator(".dns-sentence");
      await expect(sentence).toContainText(lang === "en" ? /\b1 host\b/ : /\b1 Host\b/);
      await expect(sentence).not.toContainText("(s)");
      const panel = page.locator("section.transport");
      await expect(panel.locator("details")).not.toHaveAttribute("open", "");
      const height = (await panel.locator("summary").boundingBox())!.height;
      expect(height).toBeLessThan(2 * 1.6 * 18);
      expect((await page.locator("article.host").boundingBox())!.y).toBeLessThan((await panel.boundingBox())!.y);
      if (lang === "de") {
        const english = (await ownWords(page)).filter((l) => ENGLISH.test(l));
        expect(english, "English on the German page").toEqual([]);
      }
      await axeClean(page);
      await page.context().close();
    });
  }
}

test("a resolver that passes no DNSSEC data on is said once, at the verdict, in both languages", async ({ browser }) => {
  const page = await checked(browser, "phone", "en", "good.mxray.test");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("section.export").getByRole("button", { name: "JSON", exact: true }).click(),
  ]);
  const report = JSON.parse(await readFile(await download.path(), "utf8"));
  const blind = { status: "unknown", reason: { kind: "resolver_blind", anchor: "." } };
  report.dns.mx_dnssec = blind;
  for (const host of report.mx) {
    host.dane = { name: `_25._tcp.${host.host}`, tlsa: blind, records: [], addresses: blind };
    host.findings = host.findings.filter((f: { code: string }) => !f.code.startsWith("dane_"));
    for (const address of host.addresses) {
      address.dane = { outcome: "not_tested" };
      address.findings = address.findings.filter((f: { code: string }) => !f.code.startsWith("dane_"));
    }
  }
  const kind = { code: "dnssec_resolver_blind", anchor: "." };
  report.findings.push({ severity: "warning", code: kind.code, title: "", detail: "", remedy: "", kind });

  for (const lang of ["en", "de"] as Lang[]) {
    await open(page, `/?lang=${lang}`);
    const [chooser] = await Promise.all([
      page.waitForEvent("filechooser"),
      page.getByRole("button", { name: lang === "en" ? "Choose a file …" : "Datei auswählen …" }).click(),
    ]);
    await chooser.setFiles({ name: "blind.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(report)) });
    const hint = page.locator(".verdict .verdict-hint");
    await expect(hint).toHaveCount(1);
    await expect(hint).toContainText("--resolver");
    await expect(hint).toContainText(lang === "en" ? "DNSSEC and DANE could not be judged from here" : "DNSSEC und DANE ließen sich von hier aus nicht beurteilen");
    // Per host only the status, never the reason again.
    const hosts = page.locator("article.host");
    await expect(hosts.first()).toBeAttached();
    const hostText = (await hosts.allTextContents()).join("\n");
    expect(hostText).not.toMatch(/DNSSEC data|DNSSEC-Daten|trust anchor|Vertrauensanker/);
    await expect(page.locator('li.finding[data-code="dnssec_resolver_blind"]')).toHaveCount(1);
    await expect(page.locator('li.finding[data-code^="dane_"]')).toHaveCount(0);
    if (lang === "de") {
      const english = (await ownWords(page)).filter((l) => ENGLISH.test(l));
      expect(english, "English on the German page").toEqual([]);
    }
  }
  await page.context().close();
});

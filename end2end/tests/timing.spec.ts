// Benchmark, not a timed test: prints how long the page takes on loopback from submit to the first
// finished address row and to the verdict. It asserts only that both happen.
import { test, expect } from "@playwright/test";
import { open, verdict } from "./helpers";

for (const domain of ["good.mxray.test", "progressive.mxray.test"]) {
  test(`timing: ${domain}`, async ({ page }) => {
    await open(page, "/");
    await page.locator("#domain").fill(domain);
    // Record the moments in the page itself, so polling does not blur them.
    await page.evaluate(() => {
      const w = window as unknown as { mxrayTimes: Record<string, number> };
      w.mxrayTimes = {};
      const form = document.querySelector("form.check-form")!;
      form.addEventListener("submit", () => (w.mxrayTimes.submit = performance.now()), { capture: true });
      new MutationObserver(() => {
        const t = w.mxrayTimes;
        if (t.firstRow === undefined && document.querySelector('li.address[data-done="true"]'))
          t.firstRow = performance.now();
        if (t.verdict === undefined && document.querySelector(".status .verdict")) t.verdict = performance.now();
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.locator("#domain").press("Enter");
    await expect(verdict(page)).toBeVisible({ timeout: 30_000 });
    const t = await page.evaluate(() => (window as unknown as { mxrayTimes: Record<string, number> }).mxrayTimes);
    expect(t.firstRow).toBeDefined();
    const ms = (x: number) => `${Math.round(x - t.submit)} ms`;
    console.log(`TIMING ${domain}: first address row ${ms(t.firstRow)}, verdict ${ms(t.verdict)}`);
  });
}

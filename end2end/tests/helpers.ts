// Shared steps of the browser tests.
import { expect, Page, Locator } from "@playwright/test";
import { connect } from "node:net";

/** Opens a path and waits until the page is hydrated (the form says so). */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('form.check-form[data-ready="true"]')).toBeAttached();
}

/** The card of one mail host. */
export function host(page: Page, name: string): Locator {
  return page.locator(`article.host[data-host="${name}"]`);
}

/** The row of each address of a host card. */
export function addresses(card: Locator): Locator {
  return card.locator("li.address");
}

/** A step chip (`tcp`, `banner`, …, `open_relay`) of one address row. */
export function chip(address: Locator, step: string): Locator {
  return address.locator(`li.chip[data-step="${step}"]`);
}

/** A chip beyond the steps (`dane`, `tls_versions`, `ptr`, `dnsbl`, …) of one address row. */
export function aspect(address: Locator, name: string): Locator {
  return address.locator(`li.chip[data-aspect="${name}"]`);
}

/**
 * Runs `check` on the row of every address of a host card, so no address goes unchecked: waits for
 * the first row, checks each row there is (each assertion inside waits on its own row), and fails
 * if the number of rows changed meanwhile. `check` gets the row and its address for messages.
 */
export async function eachAddress(
  card: Locator,
  check: (address: Locator, ip: string) => Promise<void>,
): Promise<void> {
  const rows = addresses(card);
  await expect(rows.first()).toBeAttached();
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    const row = rows.nth(i);
    await check(row, (await row.getAttribute("data-ip")) ?? `address ${i + 1}`);
  }
  await expect(rows).toHaveCount(count);
}

/** Waits until the chip of `step` has the mark `mark` at every address of a host card. */
export async function expectStep(card: Locator, step: string, mark: string): Promise<void> {
  await eachAddress(card, async (address, ip) => {
    await expect(chip(address, step), `${step} at ${ip}`).toHaveAttribute("data-mark", mark);
  });
}

/** Types a domain into the field and submits with Enter. */
export async function check(page: Page, domain: string): Promise<void> {
  const field = page.locator("#domain");
  await field.fill(domain);
  await field.press("Enter");
}

/** The verdict line of the check (in the status region). */
export function verdict(page: Page): Locator {
  return page.locator(".results .status .verdict");
}

/**
 * Tells mxray-fixtures (its control port, started by end2end/run.sh) to `hold` the slow MX of
 * progressive.mxray.test before its banner, or to `release` it: a test that must see that host still
 * pending holds it, instead of racing the clock.
 */
export async function slowMx(command: "hold" | "release"): Promise<void> {
  const address = process.env.MXRAY_E2E_CONTROL ?? "127.0.0.1:15354";
  const colon = address.lastIndexOf(":");
  const [hostname, port] = [address.slice(0, colon), Number(address.slice(colon + 1))];
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, hostname, () => socket.write(`${command}\n`));
    let answer = "";
    socket.setEncoding("utf8");
    socket.setTimeout(10_000, () => socket.destroy(new Error(`mxray-fixtures did not answer ${command}`)));
    socket.on("data", (data) => {
      answer += data;
      if (!answer.includes("\n")) return;
      socket.end();
      if (answer.trim() === "ok") resolve();
      else reject(new Error(`mxray-fixtures refused ${command}: ${answer.trim()}`));
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`mxray-fixtures closed the control connection: ${answer}`)));
  });
}

// Shared steps of the browser tests.
import { expect, Page, Locator } from "@playwright/test";

/** Opens a path and waits until the page is hydrated (the form says so). */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('form.check-form[data-ready="true"]')).toBeAttached();
}

/** The card of one mail host. */
export function host(page: Page, name: string): Locator {
  return page.locator(`article.host[data-host="${name}"]`);
}

/** A step chip of the (first) address of a host card. */
export function chip(card: Locator, step: string): Locator {
  return card.locator(`li.address [data-step="${step}"]`).first();
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

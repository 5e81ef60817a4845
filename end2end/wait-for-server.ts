// `cargo leptos end-to-end` starts the server and the tests together: wait until it answers.
export default async function waitForServer(): Promise<void> {
  const url = process.env.MXRAY_E2E_URL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server at ${url} did not come up within 120 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

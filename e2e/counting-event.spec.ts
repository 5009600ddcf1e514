import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { apiUpload, newUser } from "../scripts/testing/client";
import { countingEventMedia, uploadOrder } from "../scripts/testing/event-media";
import { signIn } from "./support";

// A counting event seen by two cameras: three snapshots and a clip, uploaded out of order by an edge box,
// shown on the event's page in capture order, reached from a file's page.

const SHOTS = "test-results/shots";

test("an event's snapshots and clip from two cameras show in capture order on its page, linked from a file", async ({ page }) => {
  test.setTimeout(240_000);
  const tag = randomUUID().slice(0, 8);
  const eventId = `evt-${tag}`;
  const [user, media] = await Promise.all([newUser(), countingEventMedia(tag)]);
  const ids = new Map<string, string>();
  for (const m of uploadOrder(media)) {
    const res = await apiUpload(user.session, { name: m.name, type: m.type, bytes: m.bytes }, { eventId, metadata: JSON.stringify({ cameraId: m.cameraId, siteId: "site-north" }) });
    expect(res.status).toBe(201);
    ids.set(m.name, res.body.fileId);
  }
  const inCaptureOrder = media.map((m) => ids.get(m.name)!);

  // The API answers in capture order once processing has read every capture time.
  await expect
    .poll(async () => (await user.session.json(`/api/v1/events/${eventId}`)).body.files.map((f: { fileId: string; status: string }) => `${f.fileId}:${f.status}`), { timeout: 120_000 })
    .toEqual(inCaptureOrder.map((id) => `${id}:ready`));

  await signIn(page, user);
  await page.goto(`/files/${ids.get(media[1].name)}`);
  const link = page.getByTestId("event-link");
  await expect(link).toHaveText(eventId);
  await page.getByRole("heading", { name: media[1].name }).waitFor();
  await page.screenshot({ path: `${SHOTS}/file-page-event-link.png`, fullPage: true });
  await link.click();

  await expect(page).toHaveURL(new RegExp(`/events/${eventId}$`));
  await expect(page.getByRole("heading", { name: `Event ${eventId}` })).toBeVisible();
  const items = page.getByTestId("event-media");
  await expect(items).toHaveCount(4);
  expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-file-id")))).toEqual(inCaptureOrder);
  await expect(page.getByTestId("event-counts")).toHaveText("3 snapshots · 1 clip");
  await expect(items.nth(2)).toContainText("Clip");
  await expect(items.nth(2)).toContainText("Camera cam-door");
  await expect(items.nth(0)).toContainText("Camera cam-lobby");
  // Every thumbnail (the clip's from its poster frame) has loaded.
  const thumbs = page.getByTestId("event-timeline").locator("img");
  await expect(thumbs).toHaveCount(4);
  await expect.poll(() => thumbs.evaluateAll((imgs) => (imgs as HTMLImageElement[]).every((i) => i.complete && i.naturalWidth > 0))).toBe(true);

  // Keyboard: the time line and then each item in capture order take the focus, and Enter opens the file.
  await page.getByRole("region", { name: "Media in capture order" }).focus();
  await page.keyboard.press("Tab");
  await expect(items.nth(0).getByRole("link")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(items.nth(1).getByRole("link")).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/event-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/event-390.png`, fullPage: true });
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/files/${inCaptureOrder[1]}$`));
});

test("an event of which the user has no file is not found", async ({ page }) => {
  const user = await newUser();
  await signIn(page, user);
  await page.goto(`/events/evt-nobody-${randomUUID().slice(0, 8)}`);
  await expect(page.getByRole("heading", { name: "Event not found" })).toBeVisible();
});

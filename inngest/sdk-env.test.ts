// The Inngest SDK reads its own settings from the environment on every served request. Upstream it enumerates
// all of process.env each time (several times a request; docs/upstream/inngest-env-walk.md); the local patch
// (patches/inngest+*.patch, applied by `npm install`) makes it read its own keys instead. This checks the
// installed SDK: no enumeration of the environment, and the settings still read.
import { afterEach, describe, expect, it } from "vitest";
import { Inngest } from "inngest";

const realEnv = process.env;
afterEach(() => {
  process.env = realEnv;
});

describe("the installed Inngest SDK", () => {
  it("reads its settings without enumerating the whole environment", () => {
    let enumerations = 0;
    process.env = new Proxy({ ...realEnv, INNGEST_ENV: "sdk-env-check" }, {
      ownKeys(target) {
        enumerations += 1;
        return Reflect.ownKeys(target);
      },
    });
    const client = new Inngest({ id: "sdk-env-check" });
    expect(enumerations).toBe(0);
    // The keys it cares about still arrive: INNGEST_ENV becomes the environment it sends events to.
    expect(client.env).toBe("sdk-env-check");
    expect(enumerations).toBe(0);
  });
});

import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { exifDateToIso, parseExif } from "./exif";

describe("exifDateToIso", () => {
  it.each([
    ["a time with its offset", ["2024:05:06 07:08:09", undefined, "+02:00"], "2024-05-06T05:08:09.000Z"],
    ["a negative offset across midnight", ["2024:05:06 22:00:00", undefined, "-05:00"], "2024-05-07T03:00:00.000Z"],
    ["no offset, taken as UTC", ["2024:05:06 07:08:09", undefined, undefined], "2024-05-06T07:08:09.000Z"],
    ["sub-seconds", ["2024:05:06 07:08:09", "25", undefined], "2024-05-06T07:08:09.250Z"],
    ["sub-seconds with more digits", ["2024:05:06 07:08:09", "123456", undefined], "2024-05-06T07:08:09.123Z"],
    ["the all-zero placeholder", ["0000:00:00 00:00:00", undefined, undefined], undefined],
    ["an impossible day", ["2024:02:30 10:00:00", undefined, undefined], undefined],
    ["blanks", ["    :  :     :  :  ", undefined, undefined], undefined],
    ["not a string", [20240506, undefined, undefined], undefined],
  ])("%s", (_, [value, sub, offset], expected) => {
    expect(exifDateToIso(value, sub, offset)).toBe(expected);
  });
});

describe("parseExif", () => {
  it("reads what sharp wrote", async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
      .jpeg()
      .withExif({
        IFD0: { Make: "Axis", Model: "P1375-E" },
        IFD2: { DateTimeOriginal: "2023:12:31 23:59:58", SubSecTimeOriginal: "5", OffsetTimeOriginal: "+01:00" },
        IFD3: { GPSLatitudeRef: "S", GPSLatitude: "33/1 52/1 4/1", GPSLongitudeRef: "E", GPSLongitude: "151/1 12/1 26/1" },
      })
      .toBuffer();
    const { exif } = await sharp(jpeg).metadata();
    const facts = await parseExif(exif);
    expect(facts).toEqual({
      capturedAt: "2023-12-31T22:59:58.500Z",
      cameraMake: "Axis",
      cameraModel: "P1375-E",
      gps: { lat: expect.closeTo(-33.8678, 4), lon: expect.closeTo(151.2072, 4) },
    });
  });

  it("falls back to the digitised time and drops a 0/0 position", async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
      .jpeg()
      .withExif({
        IFD2: { DateTimeDigitized: "2022:01:02 03:04:05" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "0/1 0/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "0/1 0/1 0/1" },
      })
      .toBuffer();
    expect(await parseExif((await sharp(jpeg).metadata()).exif)).toEqual({ capturedAt: "2022-01-02T03:04:05.000Z" });
  });

  it("returns nothing for absent or corrupt EXIF instead of failing the file", async () => {
    expect(await parseExif(undefined)).toEqual({});
    expect(await parseExif(Buffer.from("Exif\0\0garbage-not-a-tiff-header"))).toEqual({});
    expect(await parseExif(Buffer.concat([Buffer.from("Exif\0\0II*\0"), Buffer.from([0xff, 0xff, 0xff, 0x7f])]))).toEqual({});
  });
});

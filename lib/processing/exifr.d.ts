// Types for the ESM build that exif.ts imports by path; they are the package's own.
declare module "exifr/dist/full.esm.mjs" {
  export { parse } from "exifr";
}

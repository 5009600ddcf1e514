// What a file really is, from its first bytes: the declared type and the name come from the client and
// prove nothing. Non-media formats are recognised only so that a refusal can say what was found.

/** How many leading bytes `sniffMediaType` needs; read at least this much (e.g. a Range GET). */
export const SNIFF_HEAD_BYTES = 4096;

export type SniffedKind = "image" | "video" | "audio" | "executable" | "archive" | "document";

export interface SniffedType {
  mimeType: string;
  ext: string;
  kind: SniffedKind;
  /** For people: "a PNG image", "a Windows executable (PE)". */
  description: string;
}

export type TypeCheck = { ok: true; mimeType: string } | { ok: false; reason: string };

const type = (mimeType: string, ext: string, kind: SniffedKind, description: string): SniffedType => ({
  mimeType,
  ext,
  kind,
  description,
});

const JPEG = type("image/jpeg", "jpg", "image", "a JPEG image");
const PNG = type("image/png", "png", "image", "a PNG image");
const GIF = type("image/gif", "gif", "image", "a GIF image");
const WEBP = type("image/webp", "webp", "image", "a WebP image");
const TIFF = type("image/tiff", "tiff", "image", "a TIFF image");
const AVIF = type("image/avif", "avif", "image", "an AVIF image");
const HEIC = type("image/heic", "heic", "image", "a HEIC image");
const HEIF = type("image/heif", "heif", "image", "a HEIF image");
const MP4 = type("video/mp4", "mp4", "video", "an MP4 video");
const M4V = type("video/mp4", "m4v", "video", "an MP4 (M4V) video");
const QUICKTIME = type("video/quicktime", "mov", "video", "a QuickTime video");
const THREE_GP = type("video/3gpp", "3gp", "video", "a 3GPP video");
const M4A = type("audio/mp4", "m4a", "audio", "an MP4 audio file");
const WEBM = type("video/webm", "webm", "video", "a WebM video");
const MATROSKA = type("video/x-matroska", "mkv", "video", "a Matroska video");
const PE = type("application/vnd.microsoft.portable-executable", "exe", "executable", "a Windows executable (PE)");
const ELF = type("application/x-executable", "elf", "executable", "a Linux/Unix executable (ELF)");
const MACH_O = type("application/x-mach-binary", "macho", "executable", "a macOS executable (Mach-O)");
const JAVA_CLASS = type("application/java-vm", "class", "executable", "a Java class file");
const SCRIPT = type("text/x-shellscript", "sh", "executable", "a script (#!)");
const ZIP = type("application/zip", "zip", "archive", "a ZIP archive");
const PDF = type("application/pdf", "pdf", "document", "a PDF document");

const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"]);
const HEIF_STRUCTURE_BRANDS = new Set(["mif1", "msf1", "miaf"]);
const MP4_BRANDS = new Set(["isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso8", "iso9", "mp41", "mp42", "mp71", "avc1", "dash", "f4v ", "mmp4", "xavc"]);
// Pre-ftyp QuickTime files start straight with one of these atoms.
const QUICKTIME_ATOMS = new Set(["moov", "mdat", "wide", "free", "skip", "pnot"]);

function startsWith(head: Buffer, bytes: number[], offset = 0): boolean {
  return head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);
}

function textAt(head: Buffer, offset: number, text: string): boolean {
  return head.toString("latin1", offset, offset + text.length) === text;
}

/** ISO base media (MP4, MOV, HEIF, AVIF, 3GP): decided by the ftyp box's major and compatible brands. */
function sniffIsoBmff(head: Buffer): SniffedType | null {
  if (head.length < 12) return null;
  const box = head.toString("latin1", 4, 8);
  if (box !== "ftyp") return QUICKTIME_ATOMS.has(box) && head.readUInt32BE(0) >= 8 ? QUICKTIME : null;
  const major = head.toString("latin1", 8, 12).toLowerCase();
  const brands = new Set([major]);
  const end = Math.min(head.readUInt32BE(0), head.length);
  for (let i = 16; i + 4 <= end; i += 4) brands.add(head.toString("latin1", i, i + 4).toLowerCase());

  if (major === "avif" || major === "avis") return AVIF;
  if (HEIC_BRANDS.has(major)) return HEIC;
  if (HEIF_STRUCTURE_BRANDS.has(major)) {
    if (brands.has("avif") || brands.has("avis")) return AVIF;
    if ([...brands].some((b) => HEIC_BRANDS.has(b))) return HEIC;
    return HEIF;
  }
  if (major === "qt  ") return QUICKTIME;
  if (major.startsWith("m4v")) return M4V;
  if (major === "m4a " || major === "m4b " || major === "m4p ") return M4A;
  if (major.startsWith("3gp") || major.startsWith("3g2")) return THREE_GP;
  if ([...brands].some((b) => MP4_BRANDS.has(b))) return MP4;
  return null;
}

/** Matroska and WebM share the EBML container; the DocType element in its header tells them apart. */
function sniffEbml(head: Buffer): SniffedType | null {
  if (!startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return null;
  const at = head.subarray(0, 128).indexOf(Buffer.from([0x42, 0x82]), 4);
  if (at < 0 || at + 3 > head.length || (head[at + 2] & 0x80) === 0) return null;
  const length = head[at + 2] & 0x7f;
  const docType = head.toString("latin1", at + 3, at + 3 + length).replace(/\0+$/, "");
  if (docType === "webm") return WEBM;
  if (docType === "matroska") return MATROSKA;
  return null;
}

/** `CAFEBABE` opens both fat Mach-O binaries (a small architecture count follows) and Java classes (version ≥ 45). */
function sniffCafeBabe(head: Buffer): SniffedType | null {
  if (!startsWith(head, [0xca, 0xfe, 0xba, 0xbe]) || head.length < 8) return null;
  return head.readUInt32BE(4) < 45 ? MACH_O : JAVA_CLASS;
}

export function sniffMediaType(head: Buffer): SniffedType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (textAt(head, 0, "GIF87a") || textAt(head, 0, "GIF89a")) return GIF;
  if (textAt(head, 0, "RIFF") && textAt(head, 8, "WEBP")) return WEBP;
  if (textAt(head, 0, "II*\0") || textAt(head, 0, "MM\0*") || textAt(head, 0, "II+\0") || textAt(head, 0, "MM\0+")) return TIFF;
  if (textAt(head, 0, "MZ")) return PE;
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return ELF;
  for (const magic of [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe]) {
    if (head.length >= 4 && head.readUInt32BE(0) === magic) return MACH_O;
  }
  if (textAt(head, 0, "#!")) return SCRIPT;
  if (textAt(head, 0, "PK\x03\x04") || textAt(head, 0, "PK\x05\x06") || textAt(head, 0, "PK\x07\x08")) return ZIP;
  if (textAt(head, 0, "%PDF-")) return PDF;
  return sniffCafeBabe(head) ?? sniffEbml(head) ?? sniffIsoBmff(head);
}

/**
 * Decides the type a file is stored and served as. The content wins over the declaration: a PNG
 * named .jpg is fine as image/png, as long as the content's type is itself on the allow-list.
 */
export function checkTypeConsistency(declared: string, sniffed: SniffedType | null, allowed: readonly string[]): TypeCheck {
  const claim = declared ? `declared as ${declared}` : "declared without a type";
  if (!sniffed) {
    return { ok: false, reason: `The content is not a recognised image or video format (${claim}).` };
  }
  if (sniffed.kind === "executable") {
    return { ok: false, reason: `The content is ${sniffed.description} (${claim}); programs are never accepted.` };
  }
  if (!allowed.includes(sniffed.mimeType)) {
    return { ok: false, reason: `The content is ${sniffed.description} (${sniffed.mimeType}, ${claim}), which is not an accepted type.` };
  }
  return { ok: true, mimeType: sniffed.mimeType };
}

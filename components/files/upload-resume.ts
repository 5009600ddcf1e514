// Browser uploads in flight, remembered in localStorage so that a reloaded page can resume one when the
// same file is added again. Only ids are kept here; the app checks ownership and lists the stored parts.

const STORE = "framevault.uploads-in-flight";

export interface RememberedUpload {
  fingerprint: string;
  uploadId: string;
  key: string;
  filename: string;
  size: number;
  expiresAt: string;
}

/** The same file, as far as a browser can tell without reading it: name, size, modification time and type. */
export function fileFingerprint(file: { name?: string; size?: number | null; type?: string; data?: unknown }): string {
  const lastModified = typeof File !== "undefined" && file.data instanceof File ? file.data.lastModified : 0;
  return JSON.stringify([file.name ?? "", file.size ?? 0, lastModified, file.type ?? ""]);
}

function read(): RememberedUpload[] {
  try {
    const list = JSON.parse(localStorage.getItem(STORE) ?? "[]");
    return Array.isArray(list) ? list.filter((u) => u && typeof u.uploadId === "string" && Date.parse(u.expiresAt) > Date.now()) : [];
  } catch {
    return [];
  }
}

function write(list: RememberedUpload[]): void {
  try {
    if (list.length) localStorage.setItem(STORE, JSON.stringify(list));
    else localStorage.removeItem(STORE);
  } catch {
    // Storage full or disabled: uploads still work, they just cannot resume after a reload.
  }
}

/** Uploads a previous page started and did not finish, whose sessions have not expired. */
export function rememberedUploads(): RememberedUpload[] {
  return read();
}

export function findRememberedUpload(fingerprint: string): RememberedUpload | undefined {
  return read().find((u) => u.fingerprint === fingerprint);
}

export function rememberUpload(upload: RememberedUpload): void {
  write([...read().filter((u) => u.fingerprint !== upload.fingerprint && u.uploadId !== upload.uploadId), upload]);
}

export function forgetUpload(uploadId: string): void {
  write(read().filter((u) => u.uploadId !== uploadId));
}

/**
 * Entry names for a ZIP of files: each stored name made safe for any unzip program (no path, no control
 * characters, no dot-only names) and unique without regard to case, as Windows and macOS compare names:
 * a second `a.jpg` becomes `a (2).jpg`.
 */
export function uniqueEntryNames(filenames: string[]): string[] {
  const taken = new Set<string>();
  return filenames.map((original) => {
    const safe = safeEntryName(original);
    const dot = safe.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [safe.slice(0, dot), safe.slice(dot)] : [safe, ""];
    let name = safe;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${stem} (${n})${ext}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

function safeEntryName(filename: string): string {
  const name = filename
    .normalize("NFC")
    .replace(/[\\/\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069<>:"|?*]/g, "_")
    .replace(/^[.\s]+/, "")
    .trim();
  return name || "file";
}

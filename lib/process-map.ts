/**
 * A Map that holds at most `maxEntries` (the oldest entry goes first: a Map keeps insertion order, and `set`
 * re-inserts a key it already has).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  private readonly maxEntries: number;

  constructor(maxEntries: number) {
    super();
    this.maxEntries = maxEntries;
  }

  override set(key: K, value: V): this {
    this.delete(key);
    if (this.size >= this.maxEntries) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}

const globalForMaps = globalThis as unknown as { framevaultProcessMaps?: Map<string, BoundedMap<unknown, unknown>> };

/**
 * The process's one bounded map named `name`. Kept on globalThis because Next.js bundles a module into several
 * route chunks: module state would be one copy per chunk, and a change made through one route (a revoked key)
 * must be seen by every other route of the process.
 */
export function processMap<K, V>(name: string, maxEntries: number): BoundedMap<K, V> {
  const maps = (globalForMaps.framevaultProcessMaps ??= new Map());
  let map = maps.get(name);
  if (!map) maps.set(name, (map = new BoundedMap(maxEntries)));
  return map as BoundedMap<K, V>;
}

/**
 * Caches a pure function of a text. Checks ask for the same few Dockerfiles, command lines and
 * names over and over; each is worked out once. The cache is bounded for long runs.
 */
export function memoize<T>(fn: (text: string) => T, max = 10_000): (text: string) => T {
  const cache = new Map<string, T>()
  return (text) => {
    const known = cache.get(text)
    if (known !== undefined) return known
    const value = fn(text)
    // The oldest goes first: a long run keeps what it still asks for.
    if (cache.size >= max) cache.delete(cache.keys().next().value as string)
    cache.set(text, value)
    return value
  }
}

/**
 * Reads the worker makes for every attempt (the merchant's signing secrets,
 * its allow-list), shared between the attempts that ask in the same turn of
 * the event loop: the lanes of one recorded batch all start their next
 * attempt in the same turn, so a batch costs one read per merchant instead
 * of one per attempt. The read starts after the turn's last caller asked
 * (setImmediate), so every caller gets an answer read after its call — never
 * an older one, unlike a cache: a secret rotated or a host removed before
 * the call is seen, in this process and in every other.
 *
 * `load` gets the key and every caller's argument (e.g. each one's "now").
 */
export function sharedPerTurn<K, A, V>(load: (key: K, args: A[]) => Promise<V>): (key: K, arg: A) => Promise<V> {
  let pending: Map<K, { args: A[]; waiters: Array<{ resolve(value: V): void; reject(err: unknown): void }> }> | undefined;
  const flush = () => {
    const batch = pending!;
    pending = undefined;
    for (const [key, { args, waiters }] of batch) {
      let read: Promise<V>;
      try {
        read = load(key, args);
      } catch (err) {
        read = Promise.reject(err);
      }
      read.then(
        (value) => waiters.forEach((w) => w.resolve(value)),
        (err: unknown) => waiters.forEach((w) => w.reject(err)),
      );
    }
  };
  return (key, arg) =>
    new Promise<V>((resolve, reject) => {
      if (!pending) {
        pending = new Map();
        setImmediate(flush);
      }
      let entry = pending.get(key);
      if (!entry) pending.set(key, (entry = { args: [], waiters: [] }));
      entry.args.push(arg);
      entry.waiters.push({ resolve, reject });
    });
}

/** Joins an entry module and the modules it imports into one ES module (see bundle.js). */
export function bundle(entry: string, options?: { root?: string }): string;

// @ts-check
/**
 * The page's own elements (all present in the markup).
 * @param {string} id
 * @returns {HTMLElement & HTMLInputElement & HTMLFormElement & HTMLAnchorElement}
 */
export const $ = (id) => /** @type {any} */ (document.getElementById(id));

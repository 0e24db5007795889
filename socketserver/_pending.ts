/**
 * What a handler's constructor leaves for its server: the completion of a
 * handler whose setup/handle/finish returned a Promise, keyed by the
 * handler. `handlers.ts` writes it, the servers (`base.ts`) await it; its
 * own file keeps them from importing each other.
 *
 * @module
 */

/** Completion of handlers whose setup/handle/finish returned a Promise. */
export const pendingHandlers: WeakMap<object, Promise<void>> = new WeakMap();

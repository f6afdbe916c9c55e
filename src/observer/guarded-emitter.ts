// Node's TypedEmitter with each listener's errors handed to a callback, for emitters that must not throw at all.
//
// TypedEmitter rethrows a listener's error from a microtask, where it is an uncaught exception. The
// Observer's events fire while the log is being read, and a failing listener must neither stop the
// reading nor take the process down: it becomes a warning instead.
import { TypedEmitter } from '../net/events.js';

type Listener<T> = (event: T) => void;

export class GuardedEmitter<E extends object> {
  readonly #emitter = new TypedEmitter<E>();
  /** Each subscribed listener's unsubscribe, by event: a listener is subscribed once, and `off` finds it. */
  readonly #subscribed = new Map<keyof E, Map<Listener<never>, () => void>>();
  readonly #onError: (name: keyof E, err: unknown) => void;

  constructor(onError: (name: keyof E, err: unknown) => void) {
    this.#onError = onError;
  }

  /** Adds a listener (once: adding it again changes nothing); returns a function that removes it. */
  on<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    let subscribed = this.#subscribed.get(name);
    if (!subscribed) this.#subscribed.set(name, (subscribed = new Map()));
    const existing = subscribed.get(listener);
    if (existing) return existing;
    const remove = this.#emitter.on(name, this.#guarded(name, listener));
    const off = (): void => {
      if (subscribed.get(listener) === off) subscribed.delete(listener);
      remove();
    };
    subscribed.set(listener, off);
    return off;
  }

  /** Adds a listener that runs for the next event only; returns a function that removes it (`off` does not know it). */
  once<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    return this.#emitter.once(name, this.#guarded(name, listener));
  }

  off<K extends keyof E>(name: K, listener: Listener<E[K]>): void {
    this.#subscribed.get(name)?.get(listener)?.();
  }

  emit<K extends keyof E>(name: K, event: E[K]): void {
    this.#emitter.emit(name, event);
  }

  #guarded<K extends keyof E>(name: K, listener: Listener<E[K]>): Listener<E[K]> {
    return (event) => {
      try {
        listener(event);
      } catch (err) {
        this.#onError(name, err);
      }
    };
  }
}

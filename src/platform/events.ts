/**
 * Events one module emits for others to react to, without the emitter knowing who listens: a
 * module below never imports the service of a module above it. Subscribers run inside the
 * emitter's transaction, one after another in the order the modules are listed in src/app.ts, so
 * what they do commits or rolls back with the change itself. Work that can wait, or may fail on its
 * own (an e-mail), belongs in a job instead.
 *
 * Subscriptions come from the module manifests and are put in place once, when the modules are
 * wired (building the app, loading the demo). An event emitted before that is an error, not an
 * event nobody hears: a subscriber that silently did not run would break what it guarantees.
 */

/** An event's name and, in its type, what it carries. Define it beside the code that emits it. */
export type DomainEvent<Payload> = { readonly name: string; readonly carries?: Payload };

export function defineEvent<Payload>(name: string): DomainEvent<Payload> {
  return { name };
}

export type EventSubscription = { event: DomainEvent<unknown>; handle: (payload: never) => Promise<void> };

export function on<Payload>(event: DomainEvent<Payload>, handle: (payload: Payload) => Promise<void>): EventSubscription {
  return { event: event as DomainEvent<unknown>, handle };
}

let subscribers: Map<string, ((payload: unknown) => Promise<void>)[]> | null = null;

/** Puts the modules' subscriptions in place, replacing any before. */
export function useEventSubscriptions(subscriptions: readonly EventSubscription[]): void {
  const byName = new Map<string, ((payload: unknown) => Promise<void>)[]>();
  for (const { event, handle } of subscriptions) {
    byName.set(event.name, [...(byName.get(event.name) ?? []), handle as (payload: unknown) => Promise<void>]);
  }
  subscribers = byName;
}

/** Runs every subscriber to the event, in order, in the caller's transaction (which the payload carries). */
export async function emit<Payload>(event: DomainEvent<Payload>, payload: Payload): Promise<void> {
  if (!subscribers) throw new Error(`The event ${event.name} was emitted before the modules were wired`);
  for (const handle of subscribers.get(event.name) ?? []) await handle(payload);
}

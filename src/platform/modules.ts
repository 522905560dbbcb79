/**
 * What a module declares about itself: its pages, its background work, what it does when another
 * module emits an event, and its part of the demo. src/app.ts lists the modules in the order they
 * are built, and everything that needs one of these (the app, the job runner, the demo seed) reads
 * it from that list: nothing registers itself when a file is loaded.
 *
 * A module lower down may let the modules above it contribute to something it owns (the case page's
 * sections, the daily reminders): it adds the field to ModuleManifest from its own folder, with
 * `declare module`, so this file names no module.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { EventSubscription } from './events.ts';

/** What route registrars are built with. */
export type AppDeps = {
  database: Database;
  config: Config;
  /** Every module, in the order they are built: for a module that gathers what the others contribute. */
  modules: readonly ModuleManifest[];
};

export type RouteRegistrar = (app: FastifyInstance, deps: AppDeps) => void;

/** The little of a logger background work needs; Fastify's (pino) logger fits. */
export type JobLogger = {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
};

export type JobContext = { logger: JobLogger; modules: readonly ModuleManifest[] };

/**
 * Runs one job. Handlers run as the connecting role (not row-level-security scoped) and may run
 * more than once (a retry after a failure part-way, or a lease that ran out): make them idempotent.
 */
export type JobHandler = (database: Database, payload: Record<string, unknown>, context: JobContext) => Promise<void>;

/** A job that runs on a timetable: once across every instance, and its next run booked before each one starts. */
export type Schedule = {
  kind: string;
  /** When the run after one starting at `now` is due. */
  next: (now: Date) => Date;
  run: JobHandler;
};

/** The demo organisations by ODS code, for a module's demo data. */
export type DemoOrganisations = Map<string, { id: string; name: string }>;
export type DemoSeed = (database: Database, organisations: DemoOrganisations) => Promise<void>;

export interface ModuleManifest {
  /** A short name, for messages. */
  name: string;
  /** Its pages and API. */
  routes?: readonly RouteRegistrar[];
  /** The code that runs each kind of job the module enqueues. */
  jobHandlers?: Readonly<Record<string, JobHandler>>;
  /** Jobs it runs on a timetable. */
  schedules?: readonly Schedule[];
  /** What it does, inside the same transaction, when another module emits an event. */
  events?: readonly EventSubscription[];
  /** Its part of the synthetic demo, loaded after the demo organisations and accounts. */
  demoSeed?: DemoSeed;
}

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { modules } from '../../app.ts';
import type { Database } from '../../db/client.ts';
import { noScope, withScope } from '../../db/tenancy.ts';
import { enqueueJob, findJob, jobsOfKind } from '../../platform/jobs/queue.ts';
import { runDueJobs as runJobsOf } from '../../platform/jobs/runner.ts';
import { configureMail, recipientHash, sendMail } from '../../platform/mail.ts';
import type { ModuleManifest } from '../../platform/modules.ts';
import * as organisations from '../organisations/service.ts';
import * as users from '../users/service.ts';
import { notifications, remindersSent } from './schema.ts';
import * as service from './service.ts';
import { ensureReminderScan, nextReminderScan, reminderScanKind } from './service.ts';

type Received = { to: string[]; subject: string; text: string };

/** A real SMTP server on a free local port, keeping every message it accepts. */
async function startSmtpServer() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        raw += chunk;
      });
      stream.on('end', () => {
        const [head = '', ...body] = raw.split(/\r?\n\r?\n/);
        const headers = head.replace(/\r?\n[ \t]+/g, ' ');
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^Subject: (.*)$/im.exec(headers)?.[1] ?? '',
          // Undoes quoted-printable soft breaks, enough for plain ASCII test bodies.
          text: body.join('\n\n').replace(/=\r?\n/g, ''),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const mailConfig = (smtpUrl: string | undefined) => ({
  smtpUrl,
  mailFrom: 'Prevent Assure <no-reply@prevent-assure.invalid>',
  publicUrl: undefined,
});

// A test reminder source, declared as a module's would be, after the app's modules.
let reminderOrgId = '';
const reminderDays: string[] = [];
const testModule: ModuleManifest = {
  name: 'test',
  reminders: {
    'test.reviews': async (_database, today) => {
      reminderDays.push(today);
      if (!reminderOrgId) return [];
      return [
        {
          key: 'policy-review-30:test-policy',
          orgId: reminderOrgId,
          roles: ['board_viewer'],
          title: 'Policy review due: test policy',
          body: 'The test policy is due for review in 30 days.',
          link: '/policies',
        },
      ];
    },
  },
};
const withTestModule = [...modules(), testModule];
const runDueJobs = (database: Database) => runJobsOf(database, withTestModule);

describe('background jobs, notifications and e-mail', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let trustId = '';
  let otherTrustId = '';

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await testApp({ smtpUrl: smtp.url });
    trustId = (await organisations.findByOdsCode(t.database.db, 'RZ1'))?.id ?? '';
    otherTrustId = (await organisations.findByOdsCode(t.database.db, 'RZ2'))?.id ?? '';
    // Whatever the demo left due is not this file's business.
    await runDueJobs(t.database);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(() => {
    smtp.received.length = 0;
    configureMail(mailConfig(smtp.url));
  });

  const makeDue = (id: string) => t.database.exec(`update jobs set run_after = now() where id = '${id}'`);

  it('notifies the current holders of the roles in that organisation only, each by e-mail', async () => {
    const actor = { userId: null, label: 'test set-up', ip: null };
    const leaver = await users.createAdministrator(t.database.db, actor, {
      email: 'leaver@northshire-ft.example',
      displayName: 'Lee Leaver',
      orgId: trustId,
      role: 'operational_lead',
      password: 'quartz-harbour-lantern',
    });
    await users.updateUser(t.database.db, leaver.user.id, { deactivatedAt: new Date() });
    const revoked = await users.createAdministrator(t.database.db, actor, {
      email: 'former@northshire-ft.example',
      displayName: 'Fran Former',
      orgId: trustId,
      role: 'accountable_lead',
      password: 'quartz-harbour-lantern',
    });
    await t.database.exec(`update role_grants set revoked_at = now() where user_id = '${revoked.user.id}'`);

    const told = await service.notifyRoles(t.database, trustId, ['operational_lead', 'accountable_lead'], {
      kind: 'lead-changed',
      title: 'Northshire: new operational lead',
      body: 'Jordan Ellis is the operational Prevent lead.',
      link: '/organisations',
    });
    expect(told).toBe(2);
    const rows = await t.database.db.select().from(notifications).where(eq(notifications.kind, 'lead-changed'));
    const lead = await users.findByEmail(t.database.db, demo.operationalLead);
    const director = await users.findByEmail(t.database.db, demo.accountableLead);
    expect(rows.map((r) => r.userId).sort()).toEqual([lead?.id, director?.id].sort());
    expect(rows.every((r) => r.orgId === trustId && r.readAt === null && r.link === '/organisations')).toBe(true);

    expect(smtp.received).toEqual([]);
    await runDueJobs(t.database);
    const mails = smtp.received.filter((m) => m.subject === 'Northshire: new operational lead');
    expect(mails.map((m) => m.to).sort()).toEqual([[demo.accountableLead], [demo.operationalLead]]);
    for (const mail of mails) {
      expect(mail.text).toContain('Jordan Ellis is the operational Prevent lead.');
      expect(mail.text).toContain('/organisations');
    }
    const everyone = smtp.received.flatMap((m) => m.to);
    expect(everyone).not.toContain('leaver@northshire-ft.example');
    expect(everyone).not.toContain('former@northshire-ft.example');
    expect(everyone).not.toContain(demo.otherTrustLead);
  });

  it('tells nobody in another organisation, and refuses a link off the service', async () => {
    expect(await service.notifyRoles(t.database, otherTrustId, ['accountable_lead'], { kind: 'x', title: 'x', body: 'x' })).toBe(
      0,
    );
    await expect(
      service.notifyRoles(t.database, trustId, ['board_viewer'], { kind: 'x', title: 'x', body: 'x', link: '//evil.example' }),
    ).rejects.toThrow('path on the service');
  });

  it('sends each reminder once, however often the scan runs', async () => {
    reminderOrgId = trustId;
    for (let run = 0; run < 2; run++) {
      await withScope(t.database.db, noScope, (tx) => enqueueJob(tx, reminderScanKind, {}));
      await runDueJobs(t.database);
    }
    expect(reminderDays).toHaveLength(2);
    expect(reminderDays[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const mails = smtp.received.filter((m) => m.subject === 'Policy review due: test policy');
    expect(mails.map((m) => m.to)).toEqual([[demo.boardViewer]]);
    expect(mails[0]?.text).toContain('due for review in 30 days');
    const keys = await t.database.db
      .select()
      .from(remindersSent)
      .where(eq(remindersSent.key, 'test.reviews:policy-review-30:test-policy'));
    expect(keys).toHaveLength(1);

    // Each scan books the next day's, and there is only ever one waiting.
    const waiting = (await jobsOfKind(t.database.db, reminderScanKind)).filter((j) => j.finishedAt === null);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.runAfter.getTime()).toBeGreaterThan(Date.now());
    await ensureReminderScan(t.database);
    expect((await jobsOfKind(t.database.db, reminderScanKind)).filter((j) => j.finishedAt === null)).toHaveLength(1);
  });

  it('logs a reminder source that fails, by its name and the error without any address, and sends the others', async () => {
    const logged: { details: Record<string, unknown>; message: string }[] = [];
    const logger = { error: (details: Record<string, unknown>, message: string) => logged.push({ details, message }) };
    const result = await service.sendDueReminders(
      t.database,
      '2026-01-05',
      [
        {
          name: 'test.unreadable',
          source: async () => {
            throw new TypeError('could not read the record of jordan.ellis@northshire-ft.example');
          },
        },
        {
          name: 'test.off-site',
          source: async () => [
            { key: 'off-site', orgId: trustId, roles: ['board_viewer'], title: 'Elsewhere', body: 'x', link: '//evil.example' },
          ],
        },
        {
          name: 'test.fine',
          source: async () => [{ key: 'fine', orgId: trustId, roles: ['board_viewer'], title: 'A fine reminder', body: 'Fine.' }],
        },
      ],
      logger,
    );
    expect(result.failed).toEqual(['test.unreadable', 'test.off-site']);
    expect(result.sent).toBe(1);
    expect(logged).toEqual([
      {
        details: { source: 'test.unreadable', error: 'TypeError: could not read the record of [address]' },
        message: 'a reminder source could not say what is due',
      },
      {
        details: { source: 'test.off-site', error: 'Error: A notification link must be a path on the service' },
        message: 'a reminder could not be sent',
      },
    ]);
  });

  it('schedules the daily scan for 6 in the morning, London time, summer and winter', () => {
    expect(nextReminderScan(new Date('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-02T05:00:00.000Z');
    expect(nextReminderScan(new Date('2026-07-01T23:30:00Z')).toISOString()).toBe('2026-07-03T05:00:00.000Z');
    expect(nextReminderScan(new Date('2026-01-15T12:00:00Z')).toISOString()).toBe('2026-01-16T06:00:00.000Z');
    expect(nextReminderScan(new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-29T05:00:00.000Z');
  });

  it('shows a person their notifications with the unread count in the header, and marks them read', async () => {
    // An older notice, as the reminder scan leaves one, to be listed below the newer.
    await service.notifyRoles(t.database, trustId, ['board_viewer'], {
      kind: 'test',
      title: 'Policy review due: test policy',
      body: 'The test policy is due for review in 30 days.',
      link: '/policies',
    });
    await service.notifyRoles(t.database, trustId, ['board_viewer'], {
      kind: 'test',
      title: 'Test notice for the board',
      body: 'Training needs analysis was due last week.',
      link: '/programme',
    });
    const boardViewer = await signedIn(t.app, demo.boardViewer);
    const board = Object.assign(boardViewer, { userId: (await users.findByEmail(t.database.db, demo.boardViewer))?.id });
    const page = await board.get('/notifications');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    // Other modules' reminder sources may have told this person something too.
    const unread = (await t.database.db.select().from(notifications)).filter(
      (n) => n.userId === board.userId && n.readAt === null,
    ).length;
    expect(unread).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(new RegExp(`Notifications \\(${unread} unread \\)`));
    expect(text).toContain('Unread Test notice for the board');
    expect(text).toContain('Policy review due: test policy');
    expect(text.indexOf('Test notice for the board')).toBeLessThan(text.indexOf('Policy review due'));
    expect(page.body).toContain('href="/programme"');

    const [newest] = await t.database.db.select().from(notifications).where(eq(notifications.title, 'Test notice for the board'));
    expect((await board.post(`/notifications/${newest?.id}/read`)).statusCode).toBe(303);
    expect(textOf((await board.get('/notifications')).body)).toMatch(new RegExp(`Notifications \\(${unread - 1} unread \\)`));
    expect((await board.post('/notifications/read')).statusCode).toBe(303);
    const after = textOf((await board.get('/notifications')).body);
    expect(after).not.toContain('unread');
    expect(after).not.toContain('Unread');
    expect(after).toContain('Test notice for the board');
    // Send this test's e-mails now, not in whichever test runs the jobs next.
    await runDueJobs(t.database);
  });

  it('answers 404 for another person’s notification and leaves it unread', async () => {
    const lead = await users.findByEmail(t.database.db, demo.operationalLead);
    const [theirs] = await t.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, lead?.id ?? ''));
    const board = await signedIn(t.app, demo.boardViewer);
    expect((await board.post(`/notifications/${theirs?.id}/read`)).statusCode).toBe(404);
    expect((await board.post('/notifications/not-an-id/read')).statusCode).toBe(404);
    const [still] = await t.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.id, theirs?.id ?? ''));
    expect(still?.readAt).toBeNull();
    expect(textOf((await board.get('/notifications')).body)).not.toContain('new operational lead');
  });

  it('keeps an e-mail the server could not take and sends it when the server is back', async () => {
    await runDueJobs(t.database);
    smtp.received.length = 0;
    configureMail(mailConfig(`smtp://127.0.0.1:${await closedPort()}`));
    await service.notifyRoles(t.database, trustId, ['training_admin'], {
      kind: 'test',
      title: 'Training data imported',
      body: 'The training records were imported.',
    });
    expect(await runDueJobs(t.database)).toBe(1);
    const unsent = (await jobsOfKind(t.database.db, service.mailJobKind)).filter((j) => j.finishedAt === null);
    expect(unsent).toHaveLength(1);
    const [failed] = unsent;
    expect(failed?.attempts).toBe(1);
    expect(failed?.lastError).toBe('MailError: e-mail not sent, ESOCKET, ECONNREFUSED, at CONN');
    expect(smtp.received).toEqual([]);

    configureMail(mailConfig(smtp.url));
    await makeDue(failed?.id ?? '');
    expect(await runDueJobs(t.database)).toBe(1);
    expect(smtp.received.map((m) => [m.to, m.subject])).toEqual([[[demo.trainingAdmin], 'Training data imported']]);
    expect((await findJob(t.database.db, failed?.id ?? ''))?.finishedAt).not.toBeNull();
  });

  it('with no SMTP server configured, logs each e-mail without the address or the message', async () => {
    const lines: unknown[] = [];
    configureMail(mailConfig(undefined), { info: (details, message) => lines.push({ details, message }) });
    await sendMail({
      to: 'Someone.Private@example.org',
      subject: 'About Someone Private',
      text: 'Confidential body',
      kind: 'test-kind',
    });
    expect(lines).toHaveLength(1);
    const logged = JSON.stringify(lines);
    expect(logged).toContain('test-kind');
    expect(logged).toContain(recipientHash('someone.private@example.org'));
    expect(logged.toLowerCase()).not.toContain('someone.private');
    expect(logged).not.toContain('About Someone');
    expect(logged).not.toContain('Confidential');
    expect(smtp.received).toEqual([]);
  });
});

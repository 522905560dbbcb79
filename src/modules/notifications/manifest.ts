import type { ModuleManifest } from '../../platform/modules.ts';
import { accountNoticeHandlers } from './account-notices.ts';
import { notificationRoutes } from './routes.ts';
import { addressMailJobKind, mailJobKind, reminderScan, sendAddressMail, sendNotificationMail } from './service.ts';

/** Notifications in the app and by e-mail, the daily reminder scan over every module's reminders, and the account notices. */
export const notificationsModule: ModuleManifest = {
  name: 'notifications',
  routes: [notificationRoutes],
  jobHandlers: {
    [mailJobKind]: (database, payload) => sendNotificationMail(database, payload),
    [addressMailJobKind]: (_database, payload) => sendAddressMail(payload),
    ...accountNoticeHandlers,
  },
  schedules: [reminderScan],
};

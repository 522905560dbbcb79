import { registerReminderSource } from '../notifications/service.ts';
import { expiryReminders } from './service.ts';

registerReminderSource('training-expiry', expiryReminders);

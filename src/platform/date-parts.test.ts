import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../test/harness.ts';
import { dateBoxProblem, datePartsOf, joinDateParts } from './date-parts.ts';

describe('the NHS date input', () => {
  it('joins the day, month and year boxes into one date, keeping what was typed when it is not one', () => {
    const fields: Record<string, unknown> = { 'seenOn-day': '3', 'seenOn-month': '11', 'seenOn-year': '2026', other: 'x' };
    joinDateParts(fields);
    expect(fields.seenOn).toBe('2026-11-03');
    const partial: Record<string, unknown> = { 'seenOn-day': '14', 'seenOn-month': '', 'seenOn-year': '2026' };
    joinDateParts(partial);
    expect(partial.seenOn).toBe('2026--14');
    const blank: Record<string, unknown> = { 'seenOn-day': ' ', 'seenOn-month': '', 'seenOn-year': '' };
    joinDateParts(blank);
    expect(blank.seenOn).toBe('');
    // A date that came whole (the API, a test) is left alone.
    const whole: Record<string, unknown> = { seenOn: '2026-11-03' };
    joinDateParts(whole);
    expect(whole).toEqual({ seenOn: '2026-11-03' });
  });

  it('says which box is missing or wrong, or that the date is not a real one', () => {
    const boxes = (day: string, month: string, year: string) => ({ 'd-day': day, 'd-month': month, 'd-year': year });
    expect(dateBoxProblem(boxes('3', '', ''), 'd')).toBe('The date must include a month and a year');
    expect(dateBoxProblem(boxes('x', '4', '2026'), 'd')).toBe('The date must be in numbers, like 15 3 2027');
    expect(dateBoxProblem(boxes('3', '4', '226'), 'd')).toBe('The year must include 4 numbers');
    expect(dateBoxProblem(boxes('31', '2', '2026'), 'd')).toBe('The date must be a real date');
    expect(dateBoxProblem(boxes('28', '2', '2026'), 'd')).toBeNull();
    expect(dateBoxProblem(boxes('', '', ''), 'd')).toBeNull();
    expect(dateBoxProblem({ d: '2026-01-01' }, 'd')).toBeNull();
  });

  it('shows a stored date or what was typed in the boxes', () => {
    expect(datePartsOf('2026-04-01')).toEqual({ day: '1', month: '4', year: '2026' });
    expect(datePartsOf('2026--14')).toEqual({ day: '14', month: '', year: '2026' });
    expect(datePartsOf(undefined)).toEqual({ day: '', month: '', year: '' });
  });

  describe('in a form', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await testApp();
    });
    afterAll(() => t.close());

    it('shows three labelled boxes, refuses a date that is not real with the boxes as typed, and saves a real one', async () => {
      const lead = await signedIn(t.app, demo.operationalLead);
      const form = await lead.get('/contacts/new');
      for (const box of ['day', 'month', 'year']) expect(form.body).toContain(`name="lastContactOn-${box}"`);
      expect(form.body).not.toContain('type="date"');
      expect(textOf(form.body)).toMatch(/Date of last contact \(optional\) .*Day Month Year/);

      const contact = { role: 'ctp_lead', name: 'DS Ola Brandt', organisation: 'Counter Terrorism Policing North East' };
      const lastContact = (day: string, month: string, year: string) => ({
        'lastContactOn-day': day,
        'lastContactOn-month': month,
        'lastContactOn-year': year,
      });
      const unreal = await lead.post('/contacts', { ...contact, ...lastContact('31', '2', '2026') });
      expect(unreal.statusCode).toBe(400);
      expect(textOf(unreal.body)).toContain('The date must be a real date');
      expect(unreal.body).toMatch(/name="lastContactOn-day"[^>]*value="31"/);
      expect(textOf((await lead.get('/contacts')).body)).not.toContain('DS Ola Brandt');
      // A box left empty, or a short year: the NHS date input's words.
      const noMonth = await lead.post('/contacts', { ...contact, ...lastContact('3', '', '2026') });
      expect(noMonth.statusCode).toBe(400);
      expect(textOf(noMonth.body)).toContain('There is a problem The date must include a month');
      expect(noMonth.body).toContain('href="#lastContactOn-day"');
      const shortYear = await lead.post('/contacts', { ...contact, ...lastContact('3', '4', '26') });
      expect(textOf(shortYear.body)).toContain('The year must include 4 numbers');

      const saved = await lead.post('/contacts', { ...contact, ...lastContact('2', '11', '2026') });
      expect(saved.statusCode).toBe(303);
      expect(textOf((await lead.get('/contacts')).body)).toContain('2 November 2026');
    });

    it('joins the boxes of a filter sent in the query too', async () => {
      const lead = await signedIn(t.app, demo.operationalLead);
      const filtered = await lead.get('/audit?from-day=1&from-month=1&from-year=2026&to-day=&to-month=&to-year=');
      expect(filtered.statusCode).toBe(200);
      expect(filtered.body).toMatch(/name="from-year"[^>]*value="2026"/);
      const unreal = await lead.get('/audit?from-day=40&from-month=1&from-year=2026');
      expect(unreal.statusCode).toBe(400);
      expect(textOf(unreal.body)).toContain('The date must be a real date');
    });
  });
});

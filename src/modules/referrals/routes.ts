import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { sendDocument } from '../../platform/documents/send.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import { type CaseSectionSource, showCasePage } from '../concerns/routes.ts';
import * as referrals from './service.ts';

export const referralSection: CaseSectionSource = async (open) => ({
  template: 'referrals/views/case-section.njk',
  data: await referrals.referralSection(open),
});

const sentHowItems = (selected: unknown) =>
  referrals.sentHows.map((value) => ({ value, text: referrals.sentHowNames[value], checked: value === selected }));

const pathwayItems = (selected: unknown) =>
  referrals.pathways.map((value) => ({ value, text: referrals.pathwayNames[value], checked: value === selected }));

/** The outcome form starts from what is recorded, so a second visit adds to it rather than starting again. */
function outcomeValues(referral: referrals.ReferralView): Record<string, unknown> {
  return {
    pathway: referral.pathway,
    pathwayOn: referral.pathwayOn,
    outcome: referral.outcome,
    feedbackReceivedOn: referral.feedbackReceivedOn,
    feedback: referral.feedback,
    channelContribution: referral.channelContribution,
  };
}

export function referralsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = deps.database.db;

  const referPage = (page: Awaited<ReturnType<typeof referrals.referralForm>>, values: Record<string, unknown>) => ({
    ...page,
    values,
    sentHowItems: sentHowItems(values.sentHow),
    sharingLink: referrals.sharingDecisionLink(page.case.id),
  });

  app.get('/concerns/:id/referrals/new', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const page = await referrals.referralForm(db, contextOf(request), idParam(request));
    return reply.page('referrals/views/refer.njk', referPage(page, page.starting));
  });

  // The national Prevent referral form, filled from the case and the referral as recorded.
  for (const format of ['pdf', 'docx'] as const) {
    app.get(
      `/concerns/:id/referrals/:referralId/referral-form.${format}`,
      { config: { access: 'concerns:manage' } },
      async (request, reply) => {
        const ids = [idParam(request), idParam(request, 'referralId')] as const;
        const { document, reference } = await referrals.referralDocument(db, contextOf(request), ...ids);
        reply.header('cache-control', 'no-store');
        return sendDocument(reply, document, `prevent-referral-${reference}`, format);
      },
    );
  }

  app.post('/concerns/:id/referrals', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await referrals.refer(db, ctx, id, body);
      return reply.redirect(`/concerns/${id}#referral`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const page = await referrals.referralForm(db, ctx, id);
      // The form comes back with what was typed, even when the case cannot be referred yet.
      return showFormErrors(reply, error, 'referrals/views/refer.njk', { ...referPage(page, body), blockers: {} });
    }
  });

  app.get('/concerns/:id/referrals/:referralId/outcome', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const page = await referrals.outcomeForm(db, contextOf(request), idParam(request), idParam(request, 'referralId'));
    const values = outcomeValues(page.referral);
    return reply.page('referrals/views/outcome.njk', { ...page, values, pathwayItems: pathwayItems(values.pathway) });
  });

  app.post('/concerns/:id/referrals/:referralId/outcome', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const referralId = idParam(request, 'referralId');
    const body = formBody(request);
    try {
      await referrals.recordOutcome(db, ctx, id, referralId, body);
      return reply.redirect(`/concerns/${id}#referral`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const page = await referrals.outcomeForm(db, ctx, id, referralId);
      return showFormErrors(reply, error, 'referrals/views/outcome.njk', {
        ...page,
        values: body,
        pathwayItems: pathwayItems(body.pathway),
      });
    }
  });

  app.post('/concerns/:id/follow-ups/:followUpId/done', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    try {
      await referrals.markDone(db, ctx, id, idParam(request, 'followUpId'));
      return reply.redirect(`/concerns/${id}#referral`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showCasePage(reply, deps, ctx, id, { error, values: {} });
    }
  });
}

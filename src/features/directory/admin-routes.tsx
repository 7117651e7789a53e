import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setSynonyms, synonymsByTerm } from './synonyms.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import { requireStaff } from '../../core/http/guard.tsx';
import { FormList, FormText, IdParams, PageNumber, Type, typed, type App } from '../../core/http/schemas.ts';
import { fieldErrorsOf, statusOf, type FieldErrors, type Problem } from '../../core/result.ts';
import type { Db } from '../../core/db/schema.ts';
import type { PageContext } from '../../core/views/context.ts';
import { CurationHome, ListingFormPage, SuggestionPage, TaxonomyPage, VerificationPage } from './admin-views.tsx';
import {
  addTerm,
  createListing,
  curationOverview,
  directoryTimesSince,
  waitingWork,
  listingForEditor,
  mergeSuggestion,
  rejectSuggestion,
  renameTerm,
  resolveReport,
  setVerifyAfterMonths,
  suggestionForReview,
  updateListing,
  verificationQueue,
  verifyAfterMonths,
  verifyListing,
  vocabulary,
  type Curator,
} from './curation.ts';
import { FACETS } from './hsds.ts';
import { describeSchedule } from './listing-model.ts';
import { locationField, parseListingForm, toForm, withAnotherLocation, type ListingForm } from './listing-form.ts';
import { msg } from './messages.ts';
import { applyPicks, mapsFor, placeStep, type PlaceHelp } from './place-finder.ts';

/*
 * The curators' pages (staff, English): the queue of suggestions and reports, the listing editor,
 * verification and (admins) the vocabulary. Handlers read typed values and call curation.ts.
 */
const curate = { preHandler: requireStaff('resources.curate') };
const manage = { preHandler: requireStaff('taxonomy.manage') };

/** A listing or a term in the path: an HSDS id (a UUID for rows made here, any text for imported ones). */
const RowParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
/**
 * The listing form. A location is a set of fields named loc<N>_<field>, so besides the checkbox lists
 * (one per vocabulary) the form is a map of field names to one text each; what the text must say is
 * checked by listing-form.ts, which answers beside the field. (TypeBox infers no type for "any other
 * field is text", hence the declared one.)
 */
const ListingFormBody = Type.Unsafe<ListingForm>(
  Type.Object(
    {
      ...Object.fromEntries(FACETS.map((f) => [f, Type.Optional(FormList(200, 200))])),
      // Chosen from lists, one select each (a form saved before sends one "en, fr" text, read alike).
      languages: Type.Optional(FormList(200, 200)),
      areas: Type.Optional(FormList(300, 200)),
    },
    {
      // The day boxes of an hours row (hours0_days, loc1_hours2_days): a list of day codes.
      patternProperties: { '^(loc\\d{1,4}_)?hours\\d{1,2}_days$': FormList(7, 10) },
      additionalProperties: FormText(10_000),
      maxProperties: 2000,
    },
  ),
);
const NOTICES = ['merged', 'rejected', 'already-done', 'resolved'] as const;
const NOTICE_TEXT = {
  merged: msg('suggestionMerged'),
  rejected: msg('suggestionRejected'),
  'already-done': msg('suggestionDone'),
  resolved: msg('reportResolved'),
} as const;

function curator(req: FastifyRequest): Curator {
  const s = req.staff!;
  return { id: s.id, role: s.role, displayName: s.displayName };
}

export async function directoryAdminRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const { db, clock, registry } = app.deps;
  // Counted at scrape time, one query set per gauge (/metrics is for operators, not readers).
  const waiting = () => waitingWork(db, clock);
  registry.queues.push(
    {
      name: 'resource_suggestions',
      count: async () => (await waiting()).suggestions,
      dashboard: { label: 'Resource suggestions', href: '/admin/resources#sugg', action: 'resources.curate' },
      trend: { label: 'Suggestions sent', times: (since) => directoryTimesSince(db, 'suggestions', since) },
    },
    {
      name: 'resource_reports',
      count: async () => (await waiting()).reports,
      dashboard: {
        label: 'Outdated-information reports',
        href: '/admin/resources#reports',
        action: 'resources.curate',
      },
      trend: { label: 'Reports sent', times: (since) => directoryTimesSince(db, 'reports', since) },
    },
    {
      name: 'listings_due_for_verification',
      count: async () => (await waiting()).due,
      dashboard: {
        label: 'Listings due for verification',
        href: '/admin/resources/verification',
        action: 'resources.curate',
      },
      trend: { label: 'Listings verified', times: (since) => directoryTimesSince(db, 'verifications', since) },
    },
  );
  await app.register(curationHomeRoutes);
  await app.register(newListingRoutes);
  await app.register(listingEditorRoutes);
  await app.register(suggestionRoutes);
  await app.register(verificationRoutes);
  await app.register(vocabularyRoutes);
}

/** The curators' home: suggestions and reports waiting, listings due for verification, every listing. */
async function curationHomeRoutes(app: App) {
  const { db, clock } = app.deps;
  // `page` pages the suggestions waiting.
  const query = Type.Object({ done: Type.Optional(Type.Enum(NOTICES)), page: Type.Optional(PageNumber) });
  app.get('/admin/resources', { ...curate, schema: { querystring: query } }, async (req, reply) => {
    const overview = await curationOverview(db, clock, req.query.page);
    const notice = req.query.done && NOTICE_TEXT[req.query.done];
    return reply.page(<CurationHome ctx={req.pageContext()} {...overview} notice={notice} />);
  });

  app.post('/admin/resources/reports/:id/resolve', { ...curate, schema: { params: IdParams } }, async (req, reply) => {
    const result = await resolveReport(db, clock, curator(req), req.params.id);
    if (!result.ok) return reply.callNotFound();
    return reply.redirect('/admin/resources?done=resolved', 303);
  });
}

/** The map and matches shown with a form: those of a place button's answer, else the maps of its points. */
const helpFor = (values: ListingForm, help?: PlaceHelp): PlaceHelp => help ?? { matches: {}, ...mapsFor(values) };

/** A new listing from scratch. */
async function newListingRoutes(app: App) {
  const { db, dialect, clock, pageCache } = app.deps;
  const page = async (req: FastifyRequest, values: ListingForm, errors?: FieldErrors, help?: PlaceHelp) => (
    <ListingFormPage
      ctx={req.pageContext()}
      title="New listing"
      action="/admin/resources/new"
      values={values}
      errors={errors}
      terms={await vocabulary(db)}
      help={helpFor(values, help)}
    />
  );

  app.get('/admin/resources/new', curate, async (req, reply) =>
    reply.page(await page(req, { timezone: '', status: 'active' })),
  );

  app.post('/admin/resources/new', { ...curate, schema: { body: ListingFormBody } }, async (req, reply) => {
    const body = applyPicks(req.body);
    // "Add another location", "Find place", an arrow: the same form again, changed, nothing saved.
    if (body.addLocation !== undefined) return reply.page(await page(req, withAnotherLocation(body)));
    const step = placeStep(req.body);
    if (step) return reply.page(await page(req, step.form, step.errors, step.help));
    const { input, errors } = parseListingForm(body, await vocabulary(db));
    if (Object.keys(errors).length) return reply.page(await page(req, body, errors), 400);
    const result = await createListing(db, dialect, clock, curator(req), input);
    if (!result.ok) return reply.page(await page(req, body, fieldErrorsOf(result)), statusOf(result));
    await pageCache.invalidate(cacheTags.resources);
    return reply.redirect(`/admin/resources/${result.value.id}/edit?created=1`, 303);
  });
}

/** Editing a listing, and marking it verified. */
async function listingEditorRoutes(app: App) {
  const { db, dialect, clock, pageCache } = app.deps;
  const changed = (id: string) => pageCache.invalidate(cacheTags.resource(id), cacheTags.resources);
  const showEditor = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values?: ListingForm,
    errors?: FieldErrors,
    status = 200,
    help?: PlaceHelp,
  ) => {
    const page = await editorPage(db, req.pageContext(), id, values, errors, help);
    return page ? reply.page(page, status) : reply.callNotFound();
  };

  app.get('/admin/resources/:id/edit', { ...curate, schema: { params: RowParams } }, async (req, reply) =>
    showEditor(req, reply, req.params.id),
  );

  app.post(
    '/admin/resources/:id/edit',
    { ...curate, schema: { params: RowParams, body: ListingFormBody } },
    async (req, reply) => {
      const { id } = req.params;
      const body = applyPicks(req.body);
      if (body.addLocation !== undefined) return showEditor(req, reply, id, withAnotherLocation(body));
      const step = placeStep(req.body);
      if (step) return showEditor(req, reply, id, step.form, step.errors, 200, step.help);
      const { input, errors } = parseListingForm(body, await vocabulary(db));
      if (Object.keys(errors).length) return showEditor(req, reply, id, body, errors, 400);
      const result = await updateListing(db, dialect, clock, curator(req), id, input);
      if (!result.ok && result.kind === 'not_found') return reply.callNotFound();
      if (!result.ok) return showEditor(req, reply, id, body, fieldErrorsOf(result), statusOf(result));
      await changed(id);
      return reply.redirect(`/admin/resources/${id}/edit`, 303);
    },
  );

  const VerifyForm = Type.Object({ back: Type.Optional(Type.Enum(['verification'])) });
  app.post(
    '/admin/resources/:id/verify',
    { ...curate, schema: { params: RowParams, body: VerifyForm } },
    async (req, reply) => {
      const { id } = req.params;
      const result = await verifyListing(db, clock, curator(req), id);
      if (!result.ok) return reply.callNotFound();
      await changed(id);
      const back = req.body.back === 'verification' ? '/admin/resources/verification' : `/admin/resources/${id}/edit`;
      return reply.redirect(back, 303);
    },
  );
}

/** The editor page of a listing, showing `values` (else the listing as saved); null when there is no such listing. */
async function editorPage(
  db: Db,
  ctx: PageContext,
  id: string,
  values?: ListingForm,
  errors?: FieldErrors,
  help?: PlaceHelp,
) {
  const loaded = await listingForEditor(db, id);
  if (!loaded) return null;
  const shown = values ?? toForm(loaded.input);
  const places = Object.fromEntries(
    loaded.locations.map((l) => [l.row.id, { sharedWith: l.sharedWith, keptHours: l.keptHours.map(describeSchedule) }]),
  );
  return (
    <ListingFormPage
      ctx={ctx}
      title={`Edit: ${loaded.listing.service.name}`}
      action={`/admin/resources/${id}/edit`}
      values={shown}
      errors={errors}
      help={helpFor(shown, help)}
      terms={await vocabulary(db)}
      history={loaded.history}
      serviceId={id}
      slug={loaded.listing.service.slug}
      places={places}
      keptHours={loaded.keptHours.map(describeSchedule)}
    />
  );
}

/** A suggestion's review page, its approval form holding `values` (else the suggestion's own words); null when there is none. */
async function reviewPage(
  db: Db,
  ctx: PageContext,
  id: number,
  values?: ListingForm,
  errors?: FieldErrors,
  help?: PlaceHelp,
) {
  const found = await suggestionForReview(db, id);
  if (!found) return null;
  const { s, duplicates } = found;
  const shown = values ?? {
    name: s.name,
    url: s.url,
    description: s.context,
    [locationField(0, 'city')]: s.where_text,
    timezone: '',
    status: 'active',
  };
  const terms = await vocabulary(db);
  return (
    <SuggestionPage
      ctx={ctx}
      s={s}
      duplicates={duplicates}
      values={shown}
      terms={terms}
      errors={errors}
      help={helpFor(shown, help)}
    />
  );
}

/** A suggestion reviewed: approved as a new listing, merged into an existing one, or rejected. */
async function suggestionRoutes(app: App) {
  const { db, dialect, clock, pageCache } = app.deps;
  const review = (ctx: PageContext, id: number, values?: ListingForm, errors?: FieldErrors, help?: PlaceHelp) =>
    reviewPage(db, ctx, id, values, errors, help);
  const params = { params: IdParams };

  app.get('/admin/resources/suggestions/:id', { ...curate, schema: params }, async (req, reply) => {
    const page = await review(req.pageContext(), req.params.id);
    return page ? reply.page(page) : reply.callNotFound();
  });

  app.post(
    '/admin/resources/suggestions/:id/approve',
    { ...curate, schema: { ...params, body: ListingFormBody } },
    async (req, reply) => {
      const { id } = req.params;
      const again = async (values: ListingForm, errors: FieldErrors, status: number, help?: PlaceHelp) => {
        const page = await review(req.pageContext(), id, values, errors, help);
        return page ? reply.page(page, status) : reply.callNotFound();
      };
      const body = applyPicks(req.body);
      if (body.addLocation !== undefined) return again(withAnotherLocation(body), {}, 200);
      const step = placeStep(req.body);
      if (step) return again(step.form, step.errors, 200, step.help);
      const { input, errors } = parseListingForm(body, await vocabulary(db));
      if (Object.keys(errors).length) return again(body, errors, 400);
      const result = await createListing(db, dialect, clock, curator(req), input, id);
      if (!result.ok) return again(body, fieldErrorsOf(result), statusOf(result));
      await pageCache.invalidate(cacheTags.resources);
      return reply.redirect(`/admin/resources/${result.value.id}/edit?created=1`, 303);
    },
  );

  const MergeForm = Type.Object({ target: FormText(200) });
  app.post(
    '/admin/resources/suggestions/:id/merge',
    { ...curate, schema: { ...params, body: MergeForm } },
    async (req, reply) => {
      const { id } = req.params;
      const result = await mergeSuggestion(db, clock, curator(req), id, req.body.target);
      if (result.ok) {
        await pageCache.invalidate(cacheTags.resources);
        return reply.redirect('/admin/resources?done=merged', 303);
      }
      const page = await review(req.pageContext(), id, undefined, fieldErrorsOf(result));
      return page ? reply.page(page, statusOf(result)) : reply.callNotFound();
    },
  );

  app.post('/admin/resources/suggestions/:id/reject', { ...curate, schema: params }, async (req, reply) => {
    const result = await rejectSuggestion(db, clock, curator(req), req.params.id);
    if (!result.ok && result.kind === 'not_found') return reply.callNotFound();
    return reply.redirect(`/admin/resources?done=${result.ok ? 'rejected' : 'already-done'}`, 303);
  });
}

/** Listings due for another check with the service, and after how long that is. */
async function verificationRoutes(app: App) {
  const { db, clock } = app.deps;
  const page = async (ctx: PageContext, errors?: FieldErrors) => {
    const months = await verifyAfterMonths(db);
    const { cutoff, rows } = await verificationQueue(db, clock, months);
    return <VerificationPage ctx={ctx} months={months} cutoff={cutoff} rows={rows} errors={errors} />;
  };

  app.get('/admin/resources/verification', curate, async (req, reply) => reply.page(await page(req.pageContext())));

  // Staff type the number: the service answers anything but a whole number from 1 to 60 beside the field.
  const MonthsForm = Type.Object({ months: FormText(20) });
  app.post('/admin/resources/verification', { ...curate, schema: { body: MonthsForm } }, async (req, reply) => {
    const result = await setVerifyAfterMonths(db, clock, curator(req), req.body.months);
    if (!result.ok) return reply.page(await page(req.pageContext(), fieldErrorsOf(result)), statusOf(result));
    return reply.redirect('/admin/resources/verification', 303);
  });
}

/** The directory's vocabulary (admins): terms added and renamed. */
async function vocabularyRoutes(app: App) {
  const { db, dialect, clock, pageCache } = app.deps;
  const page = async (ctx: PageContext, problem?: Problem, values?: Record<string, string>) => (
    <TaxonomyPage
      ctx={ctx}
      terms={await vocabulary(db)}
      synonyms={await synonymsByTerm(db)}
      errors={problem && fieldErrorsOf(problem)}
      values={values}
    />
  );
  const done = async (reply: FastifyReply) => {
    await pageCache.invalidate(cacheTags.resources);
    return reply.redirect('/admin/resources/taxonomy', 303);
  };

  app.get('/admin/resources/taxonomy', manage, async (req, reply) => reply.page(await page(req.pageContext())));

  const NewTerm = Type.Object({
    facet: Type.Enum(FACETS),
    code: FormText(200),
    name: FormText(1000),
    description: Type.Optional(FormText(2000)),
  });
  app.post('/admin/resources/taxonomy', { ...manage, schema: { body: NewTerm } }, async (req, reply) => {
    const { facet, code, name, description = '' } = req.body;
    const result = await addTerm(db, clock, curator(req), facet, { code, name, description });
    if (!result.ok) return reply.page(await page(req.pageContext(), result, req.body), statusOf(result));
    return done(reply);
  });

  const TermForm = Type.Object({ name: FormText(1000), description: Type.Optional(FormText(2000)) });
  app.post(
    '/admin/resources/taxonomy/:id',
    { ...manage, schema: { params: RowParams, body: TermForm } },
    async (req, reply) => {
      const { name, description = '' } = req.body;
      const result = await renameTerm(db, dialect, clock, curator(req), req.params.id, { name, description });
      if (!result.ok && result.kind === 'not_found') return reply.callNotFound();
      if (!result.ok) return reply.page(await page(req.pageContext(), result), statusOf(result));
      return done(reply);
    },
  );

  // Synonyms change what searches find, so the cached directory pages go too.
  const SynonymsForm = Type.Object({ en: Type.Optional(FormText(5000)), fr: Type.Optional(FormText(5000)) });
  app.post(
    '/admin/resources/taxonomy/:id/synonyms',
    { ...manage, schema: { params: RowParams, body: SynonymsForm } },
    async (req, reply) => {
      const result = await setSynonyms(db, clock, curator(req), req.params.id, req.body);
      if (!result.ok && result.kind === 'not_found') return reply.callNotFound();
      if (!result.ok) return reply.page(await page(req.pageContext(), result), statusOf(result));
      return done(reply);
    },
  );
}

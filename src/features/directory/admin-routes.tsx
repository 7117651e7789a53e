import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { statusOf, type Problem } from '../../core/result.ts';
import { requireStaff } from '../../core/http/guard.tsx';
import { CurationHome, ListingFormPage, SuggestionPage, TaxonomyPage, VerificationPage } from './admin-views.tsx';
import { FACETS, type Facet } from './hsds.ts';
import { describeSchedule, loadListingForEdit } from './listing.ts';
import { locationField, parseListingForm, toForm, withAnotherLocation, type ListingForm } from './listing-form.ts';
import * as repo from './repo.ts';
import {
  addTerm,
  createListing,
  duplicateHints,
  mergeSuggestion,
  rejectSuggestion,
  renameTerm,
  resolveReport,
  setVerifyAfterMonths,
  updateListing,
  verificationQueue,
  verifyAfterMonths,
  verifyListing,
  type Curator,
} from './service.ts';

const curate = requireStaff('resources.curate');
const manage = requireStaff('taxonomy.manage');

function curator(req: FastifyRequest): Curator {
  const s = req.staff!;
  return { id: s.id, role: s.role, displayName: s.displayName };
}
const errorsOf = (p: Problem & { fields?: Record<string, string> }) =>
  p.fields ?? (p.kind === 'invalid' && p.field ? { [p.field]: p.message } : { _form: p.message });

export async function directoryAdminRoutes(app: FastifyInstance) {
  const { db, dialect, clock, pageCache } = app.deps;
  const changed = () => pageCache.invalidate('resources');

  app.get('/admin/resources', { preHandler: curate }, async (req, reply) => {
    const pending = await repo.pendingSuggestions(db);
    const suggestions = [];
    for (const s of pending) suggestions.push({ s, duplicates: await duplicateHints(db, s) });
    const months = await verifyAfterMonths(db);
    const due = await verificationQueue(db, clock, months);
    const notice = (req.query as { done?: string }).done;
    return reply.page(
      <CurationHome
        ctx={req.pageContext()}
        suggestions={suggestions}
        reports={await repo.openReports(db)}
        dueCount={due.rows.length}
        months={months}
        listings={await repo.listServices(db)}
        notice={notice ? String(notice).slice(0, 100) : undefined}
      />,
    );
  });

  const showNew = async (
    req: FastifyRequest,
    reply: FastifyReply,
    values: ListingForm,
    errors?: Record<string, string>,
    status = 200,
  ) =>
    reply.page(
      <ListingFormPage
        ctx={req.pageContext()}
        title="New listing"
        action="/admin/resources/new"
        values={values}
        errors={errors}
        terms={await repo.loadTerms(db)}
      />,
      status,
    );

  app.get('/admin/resources/new', { preHandler: curate }, async (req, reply) =>
    showNew(req, reply, { timezone: 'UTC', status: 'active' }),
  );

  app.post('/admin/resources/new', { preHandler: curate }, async (req, reply) => {
    const body = req.body as ListingForm;
    const suggestionId = body.suggestionId ? Number(body.suggestionId) : undefined;
    if (suggestionId !== undefined && !Number.isInteger(suggestionId)) return reply.callNotFound();
    const terms = await repo.loadTerms(db);
    const again = async (values: ListingForm, errors: Record<string, string>, status: number) => {
      if (suggestionId !== undefined) {
        const s = await repo.findSuggestion(db, suggestionId);
        if (s)
          return reply.page(
            <SuggestionPage
              ctx={req.pageContext()}
              s={s}
              duplicates={await duplicateHints(db, s)}
              values={values}
              terms={terms}
              errors={errors}
            />,
            status,
          );
      }
      return showNew(req, reply, values, errors, status);
    };
    // "Add another location": the same form again with one more empty place, nothing saved.
    if (body.addLocation !== undefined) return again(withAnotherLocation(body), {}, 200);
    const { input, errors } = parseListingForm(body, terms);
    if (Object.keys(errors).length) return again(body, errors, 400);
    const result = await createListing(db, dialect, clock, curator(req), input, suggestionId);
    if (!result.ok) return showNew(req, reply, body, errorsOf(result), statusOf(result));
    await changed();
    return reply.redirect(`/admin/resources/${result.value.id}/edit?created=1`, 303);
  });

  const showEdit = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values?: ListingForm,
    errors?: Record<string, string>,
    status = 200,
  ) => {
    const loaded = await loadListingForEdit(db, id);
    if (!loaded) return reply.callNotFound();
    const { listing, locations, keptHours } = loaded;
    const places = Object.fromEntries(
      locations.map((l) => [l.row.id, { sharedWith: l.sharedWith, keptHours: l.keptHours.map(describeSchedule) }]),
    );
    return reply.page(
      <ListingFormPage
        ctx={req.pageContext()}
        title={`Edit: ${listing.service.name}`}
        action={`/admin/resources/${id}/edit`}
        values={values ?? toForm(loaded.input)}
        errors={errors}
        terms={await repo.loadTerms(db)}
        history={await repo.changesFor(db, id)}
        serviceId={id}
        slug={listing.service.slug}
        places={places}
        keptHours={keptHours.map(describeSchedule)}
      />,
      status,
    );
  };

  app.get('/admin/resources/:id/edit', { preHandler: curate }, async (req, reply) =>
    showEdit(req, reply, (req.params as { id: string }).id),
  );

  app.post('/admin/resources/:id/edit', { preHandler: curate }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const body = req.body as ListingForm;
    if (body.addLocation !== undefined) return showEdit(req, reply, id, withAnotherLocation(body));
    const { input, errors } = parseListingForm(body, await repo.loadTerms(db));
    if (Object.keys(errors).length) return showEdit(req, reply, id, body, errors, 400);
    const result = await updateListing(db, dialect, clock, curator(req), id, input);
    if (!result.ok)
      return result.kind === 'not_found'
        ? reply.callNotFound()
        : showEdit(req, reply, id, body, errorsOf(result), statusOf(result));
    await pageCache.invalidate(`resource:${id}`, 'resources');
    return reply.redirect(`/admin/resources/${id}/edit`, 303);
  });

  app.post('/admin/resources/:id/verify', { preHandler: curate }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const result = await verifyListing(db, clock, curator(req), id);
    if (!result.ok)
      return result.kind === 'not_found' ? reply.callNotFound() : reply.code(statusOf(result)).send(result.message);
    await pageCache.invalidate(`resource:${id}`, 'resources');
    const back = (req.body as { back?: string } | undefined)?.back;
    return reply.redirect(
      back === 'verification' ? '/admin/resources/verification' : `/admin/resources/${id}/edit`,
      303,
    );
  });

  app.get('/admin/resources/suggestions/:id', { preHandler: curate }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const s = Number.isInteger(id) ? await repo.findSuggestion(db, id) : undefined;
    if (!s) return reply.callNotFound();
    const values: ListingForm = {
      name: s.name,
      url: s.url,
      description: s.context,
      [locationField(0, 'city')]: s.where_text,
      timezone: 'UTC',
      status: 'active',
    };
    return reply.page(
      <SuggestionPage
        ctx={req.pageContext()}
        s={s}
        duplicates={await duplicateHints(db, s)}
        values={values}
        terms={await repo.loadTerms(db)}
      />,
    );
  });

  app.post('/admin/resources/suggestions/:id/merge', { preHandler: curate }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isInteger(id)) return reply.callNotFound();
    const target = String((req.body as { target?: string }).target ?? '');
    const result = await mergeSuggestion(db, clock, curator(req), id, target);
    if (!result.ok) {
      const s = await repo.findSuggestion(db, id);
      if (!s) return reply.callNotFound();
      const values: ListingForm = { name: s.name, url: s.url, description: s.context, timezone: 'UTC' };
      return reply.page(
        <SuggestionPage
          ctx={req.pageContext()}
          s={s}
          duplicates={await duplicateHints(db, s)}
          values={values}
          terms={await repo.loadTerms(db)}
          errors={errorsOf(result)}
        />,
        statusOf(result),
      );
    }
    await changed();
    return reply.redirect(`/admin/resources?done=${encodeURIComponent('Suggestion merged.')}`, 303);
  });

  app.post('/admin/resources/suggestions/:id/reject', { preHandler: curate }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const result = Number.isInteger(id) ? await rejectSuggestion(db, clock, curator(req), id) : null;
    if (!result || (!result.ok && result.kind === 'not_found')) return reply.callNotFound();
    return reply.redirect(
      `/admin/resources?done=${encodeURIComponent(result.ok ? 'Suggestion rejected.' : result.message)}`,
      303,
    );
  });

  app.post('/admin/resources/reports/:id/resolve', { preHandler: curate }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const result = Number.isInteger(id) ? await resolveReport(db, clock, curator(req), id) : null;
    if (!result || !result.ok) return reply.callNotFound();
    return reply.redirect(`/admin/resources?done=${encodeURIComponent('Report marked as dealt with.')}`, 303);
  });

  app.get('/admin/resources/verification', { preHandler: curate }, async (req, reply) => {
    const months = await verifyAfterMonths(db);
    const { cutoff, rows } = await verificationQueue(db, clock, months);
    return reply.page(<VerificationPage ctx={req.pageContext()} months={months} cutoff={cutoff} rows={rows} />);
  });
  app.post('/admin/resources/verification', { preHandler: curate }, async (req, reply) => {
    const months = Number((req.body as { months?: string }).months);
    const result = await setVerifyAfterMonths(db, curator(req), months);
    if (!result.ok) {
      const current = await verifyAfterMonths(db);
      const { cutoff, rows } = await verificationQueue(db, clock, current);
      return reply.page(
        <VerificationPage
          ctx={req.pageContext()}
          months={current}
          cutoff={cutoff}
          rows={rows}
          errors={errorsOf(result)}
        />,
        statusOf(result),
      );
    }
    return reply.redirect('/admin/resources/verification', 303);
  });

  app.get('/admin/resources/taxonomy', { preHandler: manage }, async (req, reply) =>
    reply.page(<TaxonomyPage ctx={req.pageContext()} terms={await repo.loadTerms(db)} />),
  );
  app.post('/admin/resources/taxonomy', { preHandler: manage }, async (req, reply) => {
    const body = req.body as Record<string, string>;
    const facet = body.facet as Facet;
    const result = (FACETS as readonly string[]).includes(facet)
      ? await addTerm(db, curator(req), facet, {
          code: String(body.code ?? ''),
          name: String(body.name ?? ''),
          description: String(body.description ?? ''),
        })
      : ({ ok: false, kind: 'invalid', message: 'Choose a list.', field: 'facet' } as const);
    if (!result.ok)
      return reply.page(
        <TaxonomyPage
          ctx={req.pageContext()}
          terms={await repo.loadTerms(db)}
          errors={errorsOf(result)}
          values={body}
        />,
        statusOf(result),
      );
    await changed();
    return reply.redirect('/admin/resources/taxonomy', 303);
  });
  app.post('/admin/resources/taxonomy/:id', { preHandler: manage }, async (req, reply) => {
    const body = req.body as Record<string, string>;
    const result = await renameTerm(db, dialect, curator(req), (req.params as { id: string }).id, {
      name: String(body.name ?? ''),
      description: String(body.description ?? ''),
    });
    if (!result.ok) {
      if (result.kind === 'not_found') return reply.callNotFound();
      return reply.page(
        <TaxonomyPage ctx={req.pageContext()} terms={await repo.loadTerms(db)} errors={errorsOf(result)} />,
        statusOf(result),
      );
    }
    await changed();
    return reply.redirect('/admin/resources/taxonomy', 303);
  });
}

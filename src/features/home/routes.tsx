import type { FastifyInstance } from 'fastify';
import type { HomeSection, HomeVisit } from '../../core/app.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import { PageNumber, Type, typed } from '../../core/http/schemas.ts';
import { Layout } from '../../core/views/layout.tsx';
import { relativeTimeScript } from '../../core/views/time.tsx';
import { t } from './messages.ts';

/** The home page is the sections features registered, in order; a section may have nothing to show. */
/** `?page=` pages the latest posts below the other sections. */
const HomeQuery = Type.Object({
  page: Type.Optional(PageNumber),
  /** The reader's region for the crisis lines (directory); checked there. */
  region: Type.Optional(Type.String({ maxLength: 10 })),
});
/** Sections ordered below this come before the introduction: help is the first thing on a phone screen. */
const BEFORE_INTRO = 10;

/** The page's context and every section rendered, split into those before the introduction and those after it. */
async function renderSections(homeSections: HomeSection[], visit: HomeVisit) {
  const ctx = visit.req.pageContext();
  const sections = [...homeSections].sort((a, b) => a.order - b.order);
  const rendered = await Promise.all(sections.map((s) => s.render(ctx, visit)));
  return {
    ctx,
    first: rendered.filter((_, i) => sections[i]!.order < BEFORE_INTRO),
    rest: rendered.filter((_, i) => sections[i]!.order >= BEFORE_INTRO),
  };
}

export async function homeRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  // Every feature's writes invalidate their own tag; the home page shows a bit of each.
  app.get(
    '/',
    {
      schema: { querystring: HomeQuery },
      config: {
        pageCache: {
          tags: [
            cacheTags.home,
            cacheTags.posts,
            cacheTags.comments,
            cacheTags.resources,
            cacheTags.training,
            cacheTags.campaigns,
          ],
        },
      },
    },
    async (req, reply) => {
      const { page, region } = req.query;
      const { ctx, first, rest } = await renderSections(app.deps.registry.homeSections, { page, region, req });
      return reply.page(
        <Layout
          ctx={ctx}
          title={ctx.siteName}
          scripts={[relativeTimeScript()]}
          head={{
            description: t(ctx.locale, 'description'),
            canonical: `${ctx.publicUrl}/`,
          }}
        >
          <h1 class="visually-hidden">{ctx.siteName}</h1>
          {first}
          <section class="intro">
            <p class="lead">{t(ctx.locale, 'intro')}</p>
          </section>
          {rest}
        </Layout>,
      );
    },
  );
}

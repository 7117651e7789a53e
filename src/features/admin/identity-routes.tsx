import multipart, { type FastifyMultipartAttachFieldsToBodyOptions } from '@fastify/multipart';
import { requireStaff } from '../../core/http/guard.tsx';
import { FormFlag, FormText, Type, type App, type Static } from '../../core/http/schemas.ts';
import { MAX_LOGO_BYTES } from '../../core/identity/logo.ts';
import { t } from '../../core/identity/messages.ts';
import { updateIdentity } from '../../core/identity/service.ts';
import { fieldErrorsOf } from '../../core/result.ts';
import { formValuesOf, IdentityPage } from './identity-views.tsx';

/**
 * A file from the logo field, as the multipart parser's onFile hands it over. A class, so nothing
 * but that parser can make one: a text field named "logo" is not an upload.
 */
class LogoUpload {
  constructor(
    readonly bytes: Buffer,
    readonly truncated: boolean,
  ) {}
}

const MULTIPART: FastifyMultipartAttachFieldsToBodyOptions = {
  attachFieldsToBody: 'keyValues',
  throwFileSizeLimit: false,
  limits: { fileSize: MAX_LOGO_BYTES, files: 1, fields: 10, fieldSize: 16 * 1024, parts: 12 },
  async onFile(part) {
    const buffer = await part.toBuffer();
    part.value = new LogoUpload(buffer, part.file.truncated);
  },
};

// Lengths are the service's to check (with a message); these only bound what is read.
const IdentityForm = Type.Object({
  name: FormText(1_000),
  tagline: Type.Optional(FormText(1_000)),
  accent: Type.Optional(FormText(100)),
  accent_default: Type.Optional(FormFlag),
  quick_exit: Type.Optional(FormText(2_000)),
  remove_logo: Type.Optional(FormFlag),
  logo: Type.Optional(Type.Unknown()),
  time_zone: Type.Optional(FormText(100)),
});
type IdentityFields = Static<typeof IdentityForm>;
const DoneQuery = Type.Object({ done: Type.Optional(Type.Enum(['saved'])) });

const toInput = (body: IdentityFields) => {
  // An empty file input still sends a part with no bytes: no new logo.
  const upload = body.logo instanceof LogoUpload && (body.logo.bytes.length > 0 || body.logo.truncated);
  return {
    name: body.name,
    tagline: body.tagline ?? '',
    accent: body.accent_default ? '' : (body.accent ?? ''),
    quickExitUrl: body.quick_exit ?? '',
    logo: upload ? (body.logo as LogoUpload) : undefined,
    removeLogo: !!body.remove_logo,
    timeZone: body.time_zone,
  };
};

/** The organisation's identity, for admins: name, tagline, logo, accent colour, quick-exit destination. */
export async function identityRoutes(app: App) {
  const { db, clock, pageCache, identity, config, registry } = app.deps;
  const guard = { preHandler: requireStaff('identity.manage') };
  registry.adminLinks.push({
    href: '/admin/identity',
    label: t('en', 'staffLink'),
    description: t('en', 'staffLinkText'),
    action: 'identity.manage',
  });
  await app.register(multipart, MULTIPART);
  const page = { defaultQuickExit: config.quickExitUrl };

  app.get('/admin/identity', { ...guard, schema: { querystring: DoneQuery } }, async (req, reply) => {
    const values = formValuesOf(identity.stored());
    return reply.page(<IdentityPage ctx={req.pageContext()} values={values} saved={!!req.query.done} {...page} />);
  });

  app.post(
    '/admin/identity',
    { ...guard, config: { multipart: true }, schema: { body: IdentityForm } },
    async (req, reply) => {
      const deps = { db, clock, identity, pageCache, publicUrl: config.publicUrl };
      const result = await updateIdentity(deps, req.staff!.id, toInput(req.body));
      if (result.ok) return reply.redirect('/admin/identity?done=saved', 303);
      const b = req.body;
      const values = {
        name: b.name,
        tagline: b.tagline ?? '',
        accent: /^#[0-9a-f]{6}$/i.test(b.accent ?? '') ? b.accent! : '#5b2a86',
        accentDefault: !!b.accent_default,
        quickExit: b.quick_exit ?? '',
        timeZone: b.time_zone ?? identity.stored().timeZone,
      };
      const errors = fieldErrorsOf(result);
      return reply.page(<IdentityPage ctx={req.pageContext()} values={values} errors={errors} {...page} />, 400);
    },
  );
}

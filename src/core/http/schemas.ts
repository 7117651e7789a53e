import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';

/*
 * Every route declares its params, querystring and body with TypeBox: one expression is both the
 * JSON Schema Fastify validates (coercing query and form strings to numbers and single values to
 * arrays) and the TypeScript type the handler reads — no casts, no hand parsers. TypeBox rather
 * than json-schema-to-ts: schemas are values we can compose (the shared pieces below), and it is
 * the provider Fastify's own demo uses. Anything that fails a schema gets the 400 page (or JSON
 * under /api) from core/http/plugin.tsx before a handler runs.
 */
export { Type, type Static, type TSchema };

/** A Fastify instance whose routes read typed params, query and body from their schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The plugin's instance with the TypeBox type provider: `const app = typed(fastify)`. */
export function typed(app: FastifyInstance): App {
  return app.withTypeProvider<TypeBoxTypeProvider>();
}

/** A database id as it appears in a path or form: a positive 32-bit integer (PostgreSQL's `integer`). */
export const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
/** A slug in a path; whether it exists is the service's question. */
export const Slug = Type.String({ minLength: 1, maxLength: 200 });
export const IdParams = Type.Object({ id: Id });
export const SlugParams = Type.Object({ slug: Slug });
/** `?page=` — the one page number (pagination.ts turns it into an offset). */
export const PageNumber = Type.Integer({ minimum: 1, maximum: 100_000 });
/** `?lang=` — a UI language this site has. */
export const Lang = Type.Enum(['en', 'fr']);

/** A text field of a form: a string of at most `max` characters; what it must say is the service's rule. */
export const FormText = (max = 10_000) => Type.String({ maxLength: max });
/** Checkboxes or a multiple select sharing one name: always an array (one ticked box arrives as one value). */
export const FormList = (maxItems = 500, maxLength = 200) => Type.Array(Type.String({ maxLength }), { maxItems });
/** A checkbox's presence: any short value means ticked. (For a one-of choice use `Type.Enum([...])`.) */
export const FormFlag = Type.String({ maxLength: 10 });

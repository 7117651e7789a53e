import { AjvCompiler } from '@fastify/ajv-compiler';

/*
 * Route schemas compiled when a route is first used, not at start: compiling the ~400 schemas of
 * every route took about 300 ms of each start, most of them for staff and API routes a given
 * process may never serve. Fastify's own compiler (same ajv, same options: coercion, defaults)
 * does the work; this only defers it.
 */
type BuildFromPool = ReturnType<typeof AjvCompiler>;
type Compile = ReturnType<BuildFromPool>;
type Validate = ReturnType<Compile>;

/**
 * Where `data` holds a number that is not finite, its path. ajv's coercion turns "1e309" or
 * "-Infinity" into ±Infinity and then skips `minimum`/`maximum` (it checks ranges on finite numbers
 * only), so such a value would reach the handler — and PostgreSQL, which refuses it. Forms and
 * query strings carry text and JSON has no Infinity: any such number here came from coercion.
 */
function nonFinitePath(data: unknown, path = ''): string | undefined {
  if (typeof data === 'number') return Number.isFinite(data) ? undefined : path;
  // An uploaded file's bytes hold no number: walking a 5 MB Buffer entry by entry took seconds.
  if (data === null || typeof data !== 'object' || ArrayBuffer.isView(data)) return undefined;
  for (const [key, value] of Object.entries(data)) {
    const found = nonFinitePath(value, `${path}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function lazyValidatorFactory(): BuildFromPool {
  const pool = AjvCompiler();
  return (externalSchemas, options) => {
    const compile = pool(externalSchemas, options);
    return (route) => {
      let compiled: Validate | undefined;
      const validate = (data: unknown, context?: object) => {
        compiled ??= compile(route);
        const result = compiled(data, context as Parameters<Validate>[1]);
        validate.errors = compiled.errors;
        const infinite = result === true ? nonFinitePath(data) : undefined;
        if (infinite === undefined) return result;
        validate.errors = [
          { instancePath: infinite, schemaPath: '#', keyword: 'type', params: {}, message: 'must be a finite number' },
        ];
        return false;
      };
      validate.errors = null as Validate['errors'];
      // Fastify hands ajv functions (marked by schemaEnv) the parent object, so coercion can
      // replace a root value; the deferred function is always an ajv one.
      validate.schemaEnv = true;
      // The wrapper answers exactly as the ajv function it defers to (result and errors).
      return validate as unknown as Validate;
    };
  };
}

import fs from 'node:fs';
import path from 'node:path';
// frictionlessdata's JavaScript implementation of Data Package and Table Schema (no types published).
// @ts-expect-error -- untyped package
import { Package } from 'datapackage';
import { OPENREFERRAL } from './official-schemas.ts';

/*
 * A package checked the way Frictionless checks it, by frictionlessdata's `datapackage` library (nothing here
 * re-implements a rule): the descriptor against the tabular-data-package profile, then every resource read
 * and cast by its table schema — types, formats, required, unique, enum constraints and foreign keys.
 */
interface Resource {
  name: string;
  read(options: { relations: boolean }): Promise<unknown[]>;
}
interface LoadedPackage {
  valid: boolean;
  errors: { message: string }[];
  resources: Resource[];
}
const load = Package.load as (descriptor: unknown, options: { basePath: string }) => Promise<LoadedPackage>;

export const OFFICIAL_DESCRIPTOR = path.join(OPENREFERRAL, 'examples/csv/datapackage.json');
export const official = () =>
  JSON.parse(fs.readFileSync(OFFICIAL_DESCRIPTOR, 'utf8')) as {
    resources: { name: string; path: string; schema: { fields: { name: string; type: string }[] } }[];
  };

/** Every problem of the package in `dir`, read with `descriptor` (by default its own datapackage.json). */
export async function packageProblems(dir: string, descriptor?: object): Promise<string[]> {
  const pkg = await load(descriptor ?? path.join(dir, 'datapackage.json'), { basePath: dir });
  const out = pkg.valid ? [] : pkg.errors.map((e) => `descriptor: ${e.message}`);
  for (const r of pkg.resources) {
    try {
      await r.read({ relations: true });
    } catch (err) {
      const e = err as { message: string; errors?: { message: string }[]; rowNumber?: number };
      const details = (e.errors ?? []).map((x) => x.message).slice(0, 5);
      out.push(`${r.name}: ${e.message}${e.rowNumber ? ` (row ${e.rowNumber})` : ''} ${details.join('; ')}`);
    }
  }
  return out;
}

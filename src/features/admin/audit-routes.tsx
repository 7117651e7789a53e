import { auditLogPage } from '../../core/audit/index.ts';
import { requireStaff } from '../../core/http/guard.tsx';
import { PageNumber, Type, type App } from '../../core/http/schemas.ts';
import { AuditPage } from './audit-views.tsx';

// An empty choice ("Everyone", "All actions") arrives as an empty string.
const AuditQuery = Type.Object({
  person: Type.Optional(Type.String({ maxLength: 10, pattern: '^[0-9]*$' })),
  action: Type.Optional(Type.String({ maxLength: 80 })),
  page: Type.Optional(PageNumber),
});

/** The audit log's page, for admins. */
export async function auditRoutes(app: App) {
  const { db } = app.deps;
  app.deps.registry.adminLinks.push({
    href: '/admin/audit',
    label: 'Audit log',
    description: 'Who did what, and when.',
    action: 'audit.read',
  });
  app.get(
    '/admin/audit',
    { preHandler: requireStaff('audit.read'), schema: { querystring: AuditQuery } },
    async (req, reply) => {
      const person = Number(req.query.person) || undefined;
      const action = req.query.action || undefined;
      const data = await auditLogPage(db, { userId: person, action }, req.query.page ?? 1);
      return reply.page(<AuditPage ctx={req.pageContext()} data={data} filter={{ person, action }} />);
    },
  );
}

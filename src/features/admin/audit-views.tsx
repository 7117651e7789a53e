import type { PageContext } from '../../core/views/context.ts';
import { Pagination, TableScroll } from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import type { auditLogPage } from '../../core/audit/index.ts';

type AuditData = Awaited<ReturnType<typeof auditLogPage>>;

/** The audit log for admins: who did what to which thing, when. Staff actions only — no reader data is ever logged. */
export function AuditPage({
  ctx,
  data,
  filter,
}: {
  ctx: PageContext;
  data: AuditData;
  filter: { person?: number; action?: string };
}) {
  const { page, actions, actors } = data;
  const query = (n: number) => {
    const q = new URLSearchParams();
    if (filter.person) q.set('person', String(filter.person));
    if (filter.action) q.set('action', filter.action);
    q.set('page', String(n));
    return `/admin/audit?${q}`;
  };
  return (
    <Layout ctx={ctx} title="Audit log" head={{ noindex: true }}>
      <h1>Audit log</h1>
      <p>Every staff action, newest first: who, what, on which item, when (UTC). {page.total} entries.</p>
      <form method="get" action="/admin/audit" class="inline-form">
        <label for="audit-person">Person</label>{' '}
        <select id="audit-person" name="person">
          <option value="">Everyone</option>
          {actors.map((a) => (
            <option value={String(a.id)} selected={filter.person === a.id}>
              {a.display_name} ({a.email})
            </option>
          ))}
        </select>{' '}
        <label for="audit-action">Action</label>{' '}
        <select id="audit-action" name="action">
          <option value="">All actions</option>
          {actions.map((a) => (
            <option value={a} selected={filter.action === a}>
              {a}
            </option>
          ))}
        </select>{' '}
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <TableScroll label="Audit log">
        <table data-audit>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Item</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => (
              <tr>
                <td>{`${e.created_at.slice(0, 10)} ${e.created_at.slice(11, 16)}`}</td>
                <td>{e.display_name ?? 'System'}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.subject}</td>
                <td>{e.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pagination page={page.page} pageCount={page.pageCount} href={query} label="Audit log pages" />
    </Layout>
  );
}

/** GOV.UK pagination links for a page of results, keeping the other query parameters. */
export function pagination(
  path: string,
  query: Record<string, unknown>,
  page: { page: number; perPage: number; total: number },
) {
  const last = Math.max(1, Math.ceil(page.total / page.perPage));
  if (last === 1) return undefined;
  const href = (n: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== '' && k !== 'page') params.set(k, String(v));
    }
    params.set('page', String(n));
    return `${path}?${params}`;
  };
  const numbers = [...new Set([1, page.page - 1, page.page, page.page + 1, last])].filter(
    (n) => n >= 1 && n <= last,
  );
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  numbers.forEach((n, i) => {
    if (i > 0 && n - (numbers[i - 1] as number) > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === page.page });
  });
  return {
    items,
    ...(page.page > 1 ? { previous: { href: href(page.page - 1) } } : {}),
    ...(page.page < last ? { next: { href: href(page.page + 1) } } : {}),
  };
}

/** Messages shown after a change; only these fixed words are ever echoed back. */
const DONE: Record<string, string> = {
  'body-saved': 'The body has been saved',
  'body-deleted': 'The body has been deleted',
  'import-removed': 'The import has been removed, with its payments and their part in suppliers and reports',
  'partnership-saved': 'The partnership has been saved',
  'partnership-deleted': 'The partnership has been deleted',
  'member-added': 'The member has been added',
  'member-removed': 'The member has been removed',
  'project-saved': 'The project has been saved',
  'project-deleted': 'The project has been deleted',
  'suppliers-merged': 'The suppliers have been merged',
  'supplier-split': 'The name is now a supplier of its own',
  'review-decided': 'Your decision has been saved and the suppliers regrouped',
  'category-confirmed': 'The category has been saved',
  'exclusion-confirmed': 'Your decision has been saved and the figures recounted',
  'business-case-saved': 'The business case has been saved',
  'plan-saved': 'The benefits plan has been saved',
  'saving-recorded': 'The realised saving has been recorded',
  'signed-out': 'You have signed out',
  'password-set': 'Your password has been set: sign in with it now',
  'token-revoked': 'The API token has been revoked: scripts using it can no longer sign in',
  'user-saved': 'The user has been saved',
  'user-invited':
    'An invitation has been sent by email. If the address already has an account, its owner has been told instead',
  'reset-sent': 'A password reset link has been sent to the user',
  'note-added': 'Your note has been added',
  'news-saved': 'The news item has been saved',
  'saving-claimed': 'The saving has been recorded as a claim, with the article as its source',
  'edition-published': 'The edition is published; its e-mails are on their way to subscribers',
};
export function flash(query: unknown): string | undefined {
  const done = (query as { done?: string } | undefined)?.done;
  return done ? DONE[done] : undefined;
}
